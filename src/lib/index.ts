// tsrun as a library: the OCI lifecycle as typed functions. The CLI is a
// thin layer over exactly these.
export { create, createContainer, type CreateOptions, type CreatedContainer } from '../lifecycle/create.js';
export { start } from '../lifecycle/start.js';
export { state, list, type ContainerState, OCI_VERSION } from '../lifecycle/state.js';
export { kill, type KillOptions } from '../lifecycle/kill.js';
export { deleteContainer as delete, deleteContainer } from '../lifecycle/delete.js';
export { run, type RunOptions } from '../lifecycle/run.js';
export { parseSignal } from '../lifecycle/signals.js';
export type { RuntimeOptions } from '../lifecycle/options.js';
export { RuntimeError, ContainerNotFoundError, ContainerNotRunningError, PlanError } from '../errors.js';
export type { Spec, OciState, ContainerStatus } from '../spec/types.js';
