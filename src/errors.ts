// Errors the runtime reports to its caller. The message is the one line the
// CLI prints and logs; engines match some of its phrases (ARCHITECTURE.md §3).

export class RuntimeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RuntimeError';
  }
}

/** A config value tsrun cannot carry out; `pointer` is its JSON pointer. */
export class PlanError extends RuntimeError {
  constructor(
    readonly pointer: string,
    reason: string,
  ) {
    super(`config.json: ${pointer}: ${reason}`);
    this.name = 'PlanError';
  }
}

export class ContainerNotFoundError extends RuntimeError {
  constructor(id: string) {
    super(`container ${JSON.stringify(id)} does not exist`);
    this.name = 'ContainerNotFoundError';
  }
}

export class ContainerNotRunningError extends RuntimeError {
  constructor() {
    super('container not running');
    this.name = 'ContainerNotRunningError';
  }
}
