// The spec-coverage index of the conformance suite: one entry per MUST / SHOULD
// sentence (MUST NOT and SHOULD NOT included; several in one sentence count
// once) of runtime.md, runtime-linux.md, config.md and config-linux.md of OCI
// runtime-spec v1.3.0, each saying how the suite observes it.
//
// test/unit/requirements.test.ts checks this file mechanically:
//  - with the spec checkout at ../shared/runtime-spec, every requirement sentence
//    found by specSentences() below is matched by exactly one entry (so the index
//    cannot silently miss one or count one twice), and every entry matches a sentence;
//  - every `tests` substring is part of at least one t.test() name in
//    conformance/*.test.ts;
//  - it prints the coverage numbers.
//
// Each entry carries exactly one verdict:
//  - tests:        substrings of the conformance test names that check the sentence;
//  - unobservable: why no runtime behaviour can show it (a rule for config authors
//                  or for the spec itself, another platform, an implementation detail);
//  - hostCannot:   the behaviour is observable, but not on the hosts this suite runs
//                  on (no resctrl, no rdma controller, a kernel without a file);
//  - untested:     observable here, no test yet: what a test would check.
// A config rule that a schema or a simple check can decide is observable: the
// runtime must refuse the bad config (config.md Valid values), so it gets a test.
// Tests of cgroup v2 behaviour skip on cgroup v1 hosts; they count as tests and
// run in the cgroup v2 VM (make test-cgroup2, which CI runs).

export const SPEC_DOCUMENTS = ['runtime.md', 'runtime-linux.md', 'config.md', 'config-linux.md'] as const;
export type SpecDocument = (typeof SPEC_DOCUMENTS)[number];

/** The areas of the suite, in the order of the spec (conformance/README.md "Spec coverage"). */
export const SPEC_AREAS = [
  'lifecycle and state',
  'operations',
  'hooks',
  'process',
  'mounts and rootfs',
  'devices',
  'namespaces',
  'cgroups',
  'security',
  'terminals',
  "the callers' contract",
] as const;
export type SpecArea = (typeof SPEC_AREAS)[number];

export interface Requirement {
  doc: SpecDocument;
  /** The heading the sentence is under (anchor tags removed). */
  section: string;
  /**
   * A few words that occur verbatim in the sentence (after specSentences()
   * normalised it: links reduced to their text, whitespace collapsed), enough to
   * single it out within its section.
   */
  phrase: string;
  /** For sentences repeated word for word in one section: which occurrence (1-based). */
  nth?: number;
  area: SpecArea;
  tests?: string[];
  unobservable?: string;
  hostCannot?: string;
  untested?: string;
}

/** One requirement sentence of a spec document. */
export interface SpecSentence {
  doc: string;
  section: string;
  text: string;
}

const MARKDOWN_LINK = /!?\[([^\]]*)\](?:\([^)]*\)|\[[^\]]*\])/g;

/** Reduce markdown to the words a reader sees: links to their text, no footnote marks, no bold, single spaces. */
export function normalizeSpecText(s: string): string {
  return s
    .replace(/\[\^[^\]]+\]/g, '')
    .replace(MARKDOWN_LINK, '$1')
    .replace(/\*\*/g, '')
    .replace(/\s+/g, ' ')
    .trim();
}

/** Split a paragraph into sentences; "e.g." and friends do not end one. */
function splitSentences(paragraph: string): string[] {
  const pieces = paragraph.split(/(?<=[.!?])\s+(?=[A-Z`*"(\[])/);
  const out: string[] = [];
  for (const p of pieces) {
    const prev = out[out.length - 1];
    if (prev !== undefined && /\b(e\.g|i\.e|etc|vs|cf)\.$/i.test(prev)) out[out.length - 1] = `${prev} ${p}`;
    else out.push(p);
  }
  return out;
}

/**
 * The sentences of a spec document that state a requirement (contain MUST or
 * SHOULD in capitals), with the heading they are under. Paragraphs, list items
 * and table rows are the units that are split into sentences; code blocks are
 * skipped. A table row is one unit, its cells joined by " | ", so that a row of
 * the mount-options table reads "`async` | MUST |".
 */
export function specSentences(doc: string, markdown: string): SpecSentence[] {
  const out: SpecSentence[] = [];
  let section = '';
  let unit: string[] = [];
  let inCode = false;
  const flush = () => {
    if (unit.length === 0) return;
    const text = normalizeSpecText(unit.join(' '));
    unit = [];
    for (const s of splitSentences(text)) {
      if (/\b(MUST|SHOULD)\b/.test(s)) out.push({ doc, section, text: s });
    }
  };
  for (const line of markdown.split('\n')) {
    if (/^\s*(```|~~~)/.test(line)) {
      flush();
      inCode = !inCode;
      continue;
    }
    if (inCode) continue;
    const heading = /^#{1,6}\s+(.*)$/.exec(line);
    if (heading) {
      flush();
      section = heading[1]!.replace(/<a\s+name="[^"]*"\s*\/?>(<\/a>)?/g, '').trim();
      continue;
    }
    if (line.trim() === '') {
      flush();
      continue;
    }
    const tableRow = /^\s*\|/.test(line) || / \| /.test(line) || /^\s*\S+\s*\|\s*\S/.test(line);
    if (tableRow) {
      flush();
      if (/^[\s|:-]+$/.test(line)) continue; // the |---|---| separator
      unit.push(line.trim().replace(/^\||\|$/g, '').split('|').map((c) => c.trim()).join(' | '));
      flush();
      continue;
    }
    // A list item or footnote starts a new unit; its indented continuation lines join it.
    if (/^\s*([*+-]|\d+\.)\s+/.test(line) || /^\[\^[^\]]+\]:/.test(line)) flush();
    unit.push(line.replace(/^\s*([*+-]|\d+\.)\s+/, '').trim());
  }
  flush();
  return out;
}

/** The sentences of `sentences` an entry stands for: same document and section, containing the phrase (the nth of them if nth is set). */
export function sentencesOf(entry: Requirement, sentences: SpecSentence[]): SpecSentence[] {
  const hits = sentences.filter((s) => s.doc === entry.doc && s.section === entry.section && s.text.includes(entry.phrase));
  if (entry.nth === undefined) return hits;
  const hit = hits[entry.nth - 1];
  return hit ? [hit] : [];
}

// Reasons shared by many entries.
const WINDOWS_ONLY = 'Windows-only; this Linux runtime never applies it';
const IMAGE_SPEC_VALUE = 'the value is defined by the OCI image spec for image tooling; the runtime carries annotations without interpreting them';
const IMAGE_CONVERSION = 'advice to image-to-runtime converters, not to the runtime';
const IDMAP_IMPLEMENTATION = 'how the runtime applies the idmapping (mount_setattr or otherwise) cannot be told from the resulting mount';
const NO_RESCTRL = 'no resctrl filesystem (Intel RDT) on this host';
const NO_RESCTRL_CHECK = 'no resctrl filesystem (Intel RDT) on this host: every intelRdt config fails here, so a check of this value cannot be told apart';

export const REQUIREMENTS: Requirement[] = [
  // runtime.md: Scope of a Container
  {
    doc: 'runtime.md', section: 'Scope of a Container', phrase: 'create a container MUST be able to', area: "the callers' contract",
    tests: ['create: state is "created" with the pid of the container process', 'start: status becomes "running"', 'kill: "MUST send the specified signal"', 'delete: a stopped container is removed with its resources'],
  },

  // runtime.md: State
  {
    doc: 'runtime.md', section: 'State', phrase: 'This MUST be unique across all containers', area: 'lifecycle and state',
    tests: ['create: an ID that is "not unique" MUST generate an error', 'create: two concurrent creates of one ID'],
  },
  {
    doc: 'runtime.md', section: 'State', phrase: 'runtime, however, they MUST be used to', area: 'lifecycle and state',
    tests: ['adhere to schema/state-schema.json'],
  },
  {
    doc: 'runtime.md', section: 'State', phrase: 'JSON, the format MUST adhere to the', area: 'lifecycle and state',
    tests: ['adhere to schema/state-schema.json', 'state of a created container: required fields'],
  },

  // runtime.md: Lifecycle
  {
    doc: 'runtime.md', section: 'Lifecycle', phrase: "container's runtime environment MUST be created according", area: 'lifecycle and state',
    tests: ['create: "All of the properties configured in config.json except for process MUST be applied"', 'default filesystems /proc, /sys, /dev', 'namespaces: each requested namespace is new'],
  },
  {
    doc: 'runtime.md', section: 'Lifecycle', phrase: 'the `config.json`, it MUST generate an error', area: 'lifecycle and state',
    tests: ['mounts: an unknown filesystem type: the environment cannot be created', 'mounts: a bind mount whose source does not exist'],
  },
  {
    doc: 'runtime.md', section: 'Lifecycle', phrase: 'in the `config.json` MUST be created, the', area: 'lifecycle and state',
    tests: ['create: the user-specified program "MUST NOT be run at this time"', 'create: "All of the properties configured in config.json except for process MUST be applied"'],
  },
  {
    doc: 'runtime.md', section: 'Lifecycle', phrase: 'after this step MUST NOT affect the', area: 'lifecycle and state',
    tests: ['create: "Any updates to config.json after this step MUST NOT affect the container"'],
  },
  {
    doc: 'runtime.md', section: 'Lifecycle', phrase: 'The `prestart` hooks MUST be invoked by', area: 'hooks',
    tests: ['create runs prestart, then createRuntime, then createContainer'],
  },
  {
    doc: 'runtime.md', section: 'Lifecycle', phrase: '`prestart` hook fails, the runtime MUST generate an error, stop the', area: 'hooks',
    tests: ['hook: "the runtime MUST generate an error, stop the container, and continue the lifecycle at step 12"'],
  },
  {
    doc: 'runtime.md', section: 'Lifecycle', phrase: 'The `createRuntime` hooks MUST be invoked by', area: 'hooks',
    tests: ['create runs prestart, then createRuntime, then createContainer'],
  },
  {
    doc: 'runtime.md', section: 'Lifecycle', phrase: '`createRuntime` hook fails, the runtime MUST generate an error, stop the', area: 'hooks',
    tests: ['hook: "the runtime MUST generate an error, stop the container, and continue the lifecycle at step 12"'],
  },
  {
    doc: 'runtime.md', section: 'Lifecycle', phrase: 'The `createContainer` hooks MUST be invoked by', area: 'hooks',
    tests: ['create runs prestart, then createRuntime, then createContainer'],
  },
  {
    doc: 'runtime.md', section: 'Lifecycle', phrase: '`createContainer` hook fails, the runtime MUST generate an error, stop the', area: 'hooks',
    tests: ['hook: "the runtime MUST generate an error, stop the container, and continue the lifecycle at step 12"'],
  },
  {
    doc: 'runtime.md', section: 'Lifecycle', phrase: 'The `startContainer` hooks MUST be invoked by', area: 'hooks',
    tests: ['startContainer runs as part of start, before the user-specified program'],
  },
  {
    doc: 'runtime.md', section: 'Lifecycle', phrase: '`startContainer` hook fails, the runtime MUST generate an error, stop the', area: 'hooks',
    tests: ['a failing startContainer hook'],
  },
  {
    doc: 'runtime.md', section: 'Lifecycle', phrase: 'The runtime MUST run the user-specified program', area: 'lifecycle and state',
    tests: ['create: the user-specified program "MUST NOT be run at this time"'],
  },
  {
    doc: 'runtime.md', section: 'Lifecycle', phrase: 'The `poststart` hooks MUST be invoked by', area: 'hooks',
    tests: ['poststart runs "after the user-specified process is executed but before the start operation returns"'],
  },
  {
    doc: 'runtime.md', section: 'Lifecycle', phrase: '`poststart` hook fails, the runtime MUST generate an error, stop the', area: 'hooks',
    tests: ['a failing poststart hook'],
  },
  {
    doc: 'runtime.md', section: 'Lifecycle', phrase: 'The container MUST be destroyed by undoing', area: 'lifecycle and state',
    tests: ['delete: a stopped container is removed with its resources'],
  },
  { doc: 'runtime.md', section: 'Lifecycle', phrase: 'The `poststop` hooks MUST be invoked by', area: 'hooks', tests: ['poststop runs at delete'] },
  { doc: 'runtime.md', section: 'Lifecycle', phrase: 'fails, the runtime MUST log a warning', area: 'hooks', tests: ['a failing poststop hook'] },

  // runtime.md: Errors
  {
    doc: 'runtime.md', section: 'Errors', phrase: 'generating an error MUST leave the state', area: 'operations',
    tests: ['a failed create does not prevent a later create with the same id', 'root.path that does not exist'],
  },

  // runtime.md: Warnings
  { doc: 'runtime.md', section: 'Warnings', phrase: 'the operation; it MUST continue as if', area: 'operations', tests: ['a failing poststop hook'] },

  // runtime.md: Operations
  {
    doc: 'runtime.md', section: 'Operations', phrase: 'otherwise stated, runtimes MUST support the following', area: 'operations',
    tests: ['create: state is "created" with the pid of the container process', 'start: status becomes "running"', 'kill: "MUST send the specified signal"', 'delete: a stopped container is removed with its resources', 'state of a created container: required fields'],
  },

  // runtime.md: Query State
  {
    doc: 'runtime.md', section: 'Query State', phrase: 'This operation MUST generate an error if', area: 'operations',
    tests: ['operations without a container ID MUST generate an error'],
  },
  {
    doc: 'runtime.md', section: 'Query State', phrase: 'does not exist MUST generate an error', area: 'operations',
    tests: ['state: unknown container fails with "does not exist"'],
  },
  {
    doc: 'runtime.md', section: 'Query State', phrase: 'This operation MUST return the state of', area: 'operations',
    tests: ['state of a created container: required fields', 'state of a running and of a stopped container'],
  },

  // runtime.md: Create
  {
    doc: 'runtime.md', section: 'Create', phrase: 'This operation MUST generate an error if', area: 'operations',
    tests: ['operations without a container ID MUST generate an error', 'create: without --bundle, in a directory that is not a bundle'],
  },
  {
    doc: 'runtime.md', section: 'Create', phrase: 'way, the implementation MUST generate an error', area: 'operations',
    tests: ['create: an ID that is "not unique" MUST generate an error', 'create: invalid ID '],
  },
  {
    doc: 'runtime.md', section: 'Create', phrase: 'This operation MUST create a new container', area: 'operations',
    tests: ['create: state is "created" with the pid of the container process'],
  },
  {
    doc: 'runtime.md', section: 'Create', phrase: 'except for `process` MUST be applied', area: 'operations',
    tests: ['create: "All of the properties configured in config.json except for process MUST be applied"'],
  },
  {
    doc: 'runtime.md', section: 'Create', phrase: '`process.args` MUST NOT be applied until triggered', area: 'operations',
    tests: ['create: the user-specified program "MUST NOT be run at this time"'],
  },
  {
    doc: 'runtime.md', section: 'Create', phrase: 'the configuration, it MUST generate an error', area: 'operations',
    tests: ['namespaces: an unknown namespace type cannot be applied', 'intelRdt without a mounted resctrl'],
  },

  // runtime.md: Start
  {
    doc: 'runtime.md', section: 'Start', phrase: 'This operation MUST generate an error if it', area: 'operations',
    tests: ['operations without a container ID MUST generate an error'],
  },
  {
    doc: 'runtime.md', section: 'Start', phrase: 'is not `created` MUST have no effect', area: 'operations',
    tests: ['start: a running container is not "created"', 'start: a stopped container cannot be started'],
  },
  {
    doc: 'runtime.md', section: 'Start', phrase: 'This operation MUST run the user-specified program', area: 'operations',
    tests: ['create: the user-specified program "MUST NOT be run at this time"'],
  },
  {
    doc: 'runtime.md', section: 'Start', phrase: 'This operation MUST generate an error if `process`', area: 'operations',
    tests: ['process absent: "This operation MUST generate an error if process was not set"'],
  },

  // runtime.md: Kill
  {
    doc: 'runtime.md', section: 'Kill', phrase: 'This operation MUST generate an error if', area: 'operations',
    tests: ['operations without a container ID MUST generate an error'],
  },
  {
    doc: 'runtime.md', section: 'Kill', phrase: '`created` nor `running` MUST have no effect', area: 'operations',
    tests: ['kill: a stopped container "MUST generate an error"'],
  },
  {
    doc: 'runtime.md', section: 'Kill', phrase: 'This operation MUST send the specified signal', area: 'operations',
    tests: ['kill: "MUST send the specified signal"', 'kill: a "created" container can be signalled'],
  },

  // runtime.md: Delete
  {
    doc: 'runtime.md', section: 'Delete', phrase: 'This operation MUST generate an error if', area: 'operations',
    tests: ['operations without a container ID MUST generate an error'],
  },
  {
    doc: 'runtime.md', section: 'Delete', phrase: 'is not `stopped` MUST have no effect', area: 'operations',
    tests: ['delete: a running container is not stopped', 'delete: a created container is not stopped'],
  },
  {
    doc: 'runtime.md', section: 'Delete', phrase: 'Deleting a container MUST delete the resources', area: 'operations',
    tests: ['delete: a stopped container is removed with its resources'],
  },
  {
    doc: 'runtime.md', section: 'Delete', phrase: 'by this container, MUST NOT be deleted', area: 'operations',
    tests: ['delete: "resources associated with the container, but not created by this container, MUST NOT be deleted"'],
  },

  // runtime-linux.md: Dev symbolic links
  {
    doc: 'runtime-linux.md', section: 'Dev symbolic links', phrase: 'the lifecycle), runtimes MUST create the following', area: 'mounts and rootfs',
    tests: ['/dev/fd, /dev/stdin, /dev/stdout, /dev/stderr symlinks'],
  },

  // config.md: Specification version
  {
    doc: 'config.md', section: 'Specification version', phrase: '`ociVersion` (string, REQUIRED) MUST be in SemVer', area: "the callers' contract",
    tests: ['ociVersion that is not SemVer'],
  },

  // config.md: Root
  {
    doc: 'config.md', section: 'Root', phrase: 'Containers, this field MUST NOT be set', area: 'mounts and rootfs',
    unobservable: 'Hyper-V containers are Windows-only; this Linux runtime never sees them',
  },
  { doc: 'config.md', section: 'Root', phrase: 'On Windows, `path` MUST be a volume', area: 'mounts and rootfs', unobservable: WINDOWS_ONLY },
  {
    doc: 'config.md', section: 'Root', phrase: 'The value SHOULD be the conventional `rootfs`', area: 'mounts and rootfs',
    unobservable: 'a convention for bundle authors; any directory name is valid for the runtime',
  },
  {
    doc: 'config.md', section: 'Root', phrase: 'A directory MUST exist at the path', area: 'mounts and rootfs',
    tests: ['root.path that does not exist', 'root.path that is a regular file'],
  },
  { doc: 'config.md', section: 'Root', phrase: 'the root filesystem MUST be read-only inside', area: 'mounts and rootfs', tests: ['root.readonly true'] },
  { doc: 'config.md', section: 'Root', phrase: 'Windows, this field MUST be omitted or', area: 'mounts and rootfs', unobservable: WINDOWS_ONLY },

  // config.md: Mounts
  {
    doc: 'config.md', section: 'Mounts', phrase: 'The runtime MUST mount entries in the', area: 'mounts and rootfs',
    tests: ['mounts: "The runtime MUST mount entries in the listed order"'],
  },
  {
    doc: 'config.md', section: 'Mounts', phrase: 'Linux: This value SHOULD be an absolute', area: 'mounts and rootfs',
    unobservable: 'advice to config authors; a relative destination is allowed, and its meaning is the next sentence',
  },
  {
    doc: 'config.md', section: 'Mounts', phrase: 'which case it MUST be interpreted as', area: 'mounts and rootfs',
    tests: ['mounts: a relative destination'],
  },
  { doc: 'config.md', section: 'Mounts', phrase: 'Windows: This value MUST be an absolute', area: 'mounts and rootfs', unobservable: WINDOWS_ONLY },
  { doc: 'config.md', section: 'Mounts', phrase: 'One mount destination MUST NOT be nested', area: 'mounts and rootfs', unobservable: WINDOWS_ONLY },
  { doc: 'config.md', section: 'Mounts', phrase: 'Solaris: This value MUST be an absolute', area: 'mounts and rootfs', unobservable: 'Solaris-only' },
  {
    doc: 'config.md', section: 'Mounts', phrase: 'platforms: This value MUST be an absolute', area: 'mounts and rootfs',
    unobservable: 'applies to platforms other than Linux, Windows and Solaris; Linux has its own rule above',
  },
  { doc: 'config.md', section: 'Mounts', phrase: 'Windows: runtimes MUST support `ro`, mounting the', area: 'mounts and rootfs', unobservable: WINDOWS_ONLY },

  // config.md: Linux mount options
  {
    doc: 'config.md', section: 'Linux mount options', phrase: 'Runtimes MUST/SHOULD/MAY implement the following option strings', area: 'mounts and rootfs',
    tests: ['Linux mount options: every MUST and SHOULD option'],
  },
  {
    doc: 'config.md', section: 'Linux mount options', phrase: '`async` | MUST |', area: 'mounts and rootfs',
    tests: ['Linux mount options: every MUST and SHOULD option'],
  },
  {
    doc: 'config.md', section: 'Linux mount options', phrase: '`atime` | MUST |', area: 'mounts and rootfs',
    tests: ['Linux mount options: every MUST and SHOULD option'],
  },
  {
    doc: 'config.md', section: 'Linux mount options', phrase: '`bind` | MUST | Bind mount', area: 'mounts and rootfs',
    tests: ['Linux mount options: every MUST and SHOULD option'],
  },
  {
    doc: 'config.md', section: 'Linux mount options', phrase: '`defaults` | MUST |', area: 'mounts and rootfs',
    tests: ['Linux mount options: every MUST and SHOULD option'],
  },
  {
    doc: 'config.md', section: 'Linux mount options', phrase: '`dev` | MUST |', area: 'mounts and rootfs',
    tests: ['Linux mount options: every MUST and SHOULD option'],
  },
  {
    doc: 'config.md', section: 'Linux mount options', phrase: '`diratime` | MUST |', area: 'mounts and rootfs',
    tests: ['Linux mount options: every MUST and SHOULD option'],
  },
  {
    doc: 'config.md', section: 'Linux mount options', phrase: '`dirsync` | MUST |', area: 'mounts and rootfs',
    tests: ['Linux mount options: every MUST and SHOULD option'],
  },
  {
    doc: 'config.md', section: 'Linux mount options', phrase: '`exec` | MUST |', area: 'mounts and rootfs',
    tests: ['Linux mount options: every MUST and SHOULD option'],
  },
  {
    doc: 'config.md', section: 'Linux mount options', phrase: '`iversion` | MUST |', area: 'mounts and rootfs',
    tests: ['Linux mount options: every MUST and SHOULD option'],
  },
  {
    doc: 'config.md', section: 'Linux mount options', phrase: '`lazytime` | MUST |', area: 'mounts and rootfs',
    tests: ['Linux mount options: every MUST and SHOULD option'],
  },
  {
    doc: 'config.md', section: 'Linux mount options', phrase: '`loud` | MUST |', area: 'mounts and rootfs',
    tests: ['Linux mount options: every MUST and SHOULD option'],
  },
  {
    doc: 'config.md', section: 'Linux mount options', phrase: '`noatime` | MUST |', area: 'mounts and rootfs',
    tests: ['Linux mount options: every MUST and SHOULD option'],
  },
  {
    doc: 'config.md', section: 'Linux mount options', phrase: '`nodev` | MUST |', area: 'mounts and rootfs',
    tests: ['Linux mount options: every MUST and SHOULD option'],
  },
  {
    doc: 'config.md', section: 'Linux mount options', phrase: '`nodiratime` | MUST |', area: 'mounts and rootfs',
    tests: ['Linux mount options: every MUST and SHOULD option'],
  },
  {
    doc: 'config.md', section: 'Linux mount options', phrase: '`noexec` | MUST |', area: 'mounts and rootfs',
    tests: ['Linux mount options: every MUST and SHOULD option'],
  },
  {
    doc: 'config.md', section: 'Linux mount options', phrase: '`noiversion` | MUST |', area: 'mounts and rootfs',
    tests: ['Linux mount options: every MUST and SHOULD option'],
  },
  {
    doc: 'config.md', section: 'Linux mount options', phrase: '`nolazytime` | MUST |', area: 'mounts and rootfs',
    tests: ['Linux mount options: every MUST and SHOULD option'],
  },
  {
    doc: 'config.md', section: 'Linux mount options', phrase: '`norelatime` | MUST |', area: 'mounts and rootfs',
    tests: ['Linux mount options: every MUST and SHOULD option'],
  },
  {
    doc: 'config.md', section: 'Linux mount options', phrase: '`nostrictatime` | MUST |', area: 'mounts and rootfs',
    tests: ['Linux mount options: every MUST and SHOULD option'],
  },
  {
    doc: 'config.md', section: 'Linux mount options', phrase: '`nosuid` | MUST |', area: 'mounts and rootfs',
    tests: ['Linux mount options: every MUST and SHOULD option'],
  },
  {
    doc: 'config.md', section: 'Linux mount options', phrase: '`nosymfollow` | SHOULD | (Introduced in kernel', area: 'mounts and rootfs',
    tests: ['Linux mount options: every MUST and SHOULD option'],
  },
  {
    doc: 'config.md', section: 'Linux mount options', phrase: '`private` | MUST | Bind mount propagation', area: 'mounts and rootfs',
    tests: ['Linux mount options: every MUST and SHOULD option'],
  },
  {
    doc: 'config.md', section: 'Linux mount options', phrase: '`ratime` | SHOULD | Recursive `atime`', area: 'mounts and rootfs',
    tests: ['Linux mount options: every MUST and SHOULD option'],
  },
  {
    doc: 'config.md', section: 'Linux mount options', phrase: '`rbind` | MUST | Recursive bind mount', area: 'mounts and rootfs',
    tests: ['Linux mount options: every MUST and SHOULD option'],
  },
  {
    doc: 'config.md', section: 'Linux mount options', phrase: '`rdev` | SHOULD | Recursive `dev`', area: 'mounts and rootfs',
    tests: ['Linux mount options: every MUST and SHOULD option'],
  },
  {
    doc: 'config.md', section: 'Linux mount options', phrase: '`rdiratime` | SHOULD | Recursive `diratime`', area: 'mounts and rootfs',
    tests: ['Linux mount options: every MUST and SHOULD option'],
  },
  {
    doc: 'config.md', section: 'Linux mount options', phrase: '`relatime` | MUST |', area: 'mounts and rootfs',
    tests: ['Linux mount options: every MUST and SHOULD option'],
  },
  {
    doc: 'config.md', section: 'Linux mount options', phrase: '`remount` | MUST |', area: 'mounts and rootfs',
    tests: ['Linux mount options: every MUST and SHOULD option'],
  },
  {
    doc: 'config.md', section: 'Linux mount options', phrase: '`rexec` | SHOULD | Recursive `dev`', area: 'mounts and rootfs',
    tests: ['Linux mount options: every MUST and SHOULD option'],
  },
  {
    doc: 'config.md', section: 'Linux mount options', phrase: '`rnoatime` | SHOULD | Recursive `noatime`', area: 'mounts and rootfs',
    tests: ['Linux mount options: every MUST and SHOULD option'],
  },
  {
    doc: 'config.md', section: 'Linux mount options', phrase: '`rnodiratime` | SHOULD | Recursive `nodiratime`', area: 'mounts and rootfs',
    tests: ['Linux mount options: every MUST and SHOULD option'],
  },
  {
    doc: 'config.md', section: 'Linux mount options', phrase: '`rnoexec` | SHOULD | Recursive `noexec`', area: 'mounts and rootfs',
    tests: ['Linux mount options: every MUST and SHOULD option'],
  },
  {
    doc: 'config.md', section: 'Linux mount options', phrase: '`rnorelatime` | SHOULD | Recursive `norelatime`', area: 'mounts and rootfs',
    tests: ['Linux mount options: every MUST and SHOULD option'],
  },
  {
    doc: 'config.md', section: 'Linux mount options', phrase: '`rnostrictatime` | SHOULD | Recursive `nostrictatime`', area: 'mounts and rootfs',
    tests: ['Linux mount options: every MUST and SHOULD option'],
  },
  {
    doc: 'config.md', section: 'Linux mount options', phrase: '`rnosuid` | SHOULD | Recursive `nosuid`', area: 'mounts and rootfs',
    tests: ['Linux mount options: every MUST and SHOULD option'],
  },
  {
    doc: 'config.md', section: 'Linux mount options', phrase: '`rnosymfollow` | SHOULD | Recursive `nosymfollow`', area: 'mounts and rootfs',
    tests: ['Linux mount options: every MUST and SHOULD option'],
  },
  {
    doc: 'config.md', section: 'Linux mount options', phrase: '`ro` | MUST |', area: 'mounts and rootfs',
    tests: ['Linux mount options: every MUST and SHOULD option'],
  },
  {
    doc: 'config.md', section: 'Linux mount options', phrase: '`rprivate` | MUST | Bind mount propagation', area: 'mounts and rootfs',
    tests: ['Linux mount options: every MUST and SHOULD option'],
  },
  {
    doc: 'config.md', section: 'Linux mount options', phrase: '`rrelatime ` | SHOULD | Recursive `relatime`', area: 'mounts and rootfs',
    tests: ['Linux mount options: every MUST and SHOULD option'],
  },
  {
    doc: 'config.md', section: 'Linux mount options', phrase: '`rro` | SHOULD | Recursive `ro`', area: 'mounts and rootfs',
    tests: ['Linux mount options: every MUST and SHOULD option'],
  },
  {
    doc: 'config.md', section: 'Linux mount options', phrase: '`rrw` | SHOULD | Recursive `rw`', area: 'mounts and rootfs',
    tests: ['Linux mount options: every MUST and SHOULD option'],
  },
  {
    doc: 'config.md', section: 'Linux mount options', phrase: '`rshared` | MUST | Bind mount propagation', area: 'mounts and rootfs',
    tests: ['Linux mount options: every MUST and SHOULD option'],
  },
  {
    doc: 'config.md', section: 'Linux mount options', phrase: '`rslave` | MUST | Bind mount propagation', area: 'mounts and rootfs',
    tests: ['Linux mount options: every MUST and SHOULD option'],
  },
  {
    doc: 'config.md', section: 'Linux mount options', phrase: '`rstrictatime` | SHOULD | Recursive `strictatime`', area: 'mounts and rootfs',
    tests: ['Linux mount options: every MUST and SHOULD option'],
  },
  {
    doc: 'config.md', section: 'Linux mount options', phrase: '`rsuid` | SHOULD | Recursive `suid`', area: 'mounts and rootfs',
    tests: ['Linux mount options: every MUST and SHOULD option'],
  },
  {
    doc: 'config.md', section: 'Linux mount options', phrase: '`rsymfollow` | SHOULD | Recursive `symfollow`', area: 'mounts and rootfs',
    tests: ['Linux mount options: every MUST and SHOULD option'],
  },
  {
    doc: 'config.md', section: 'Linux mount options', phrase: '`runbindable` | MUST | Bind mount propagation', area: 'mounts and rootfs',
    tests: ['Linux mount options: every MUST and SHOULD option'],
  },
  {
    doc: 'config.md', section: 'Linux mount options', phrase: '`rw` | MUST |', area: 'mounts and rootfs',
    tests: ['Linux mount options: every MUST and SHOULD option'],
  },
  {
    doc: 'config.md', section: 'Linux mount options', phrase: '`shared` | MUST |', area: 'mounts and rootfs',
    tests: ['Linux mount options: every MUST and SHOULD option'],
  },
  {
    doc: 'config.md', section: 'Linux mount options', phrase: '`silent` | MUST |', area: 'mounts and rootfs',
    tests: ['Linux mount options: every MUST and SHOULD option'],
  },
  {
    doc: 'config.md', section: 'Linux mount options', phrase: '`slave` | MUST | Bind mount propagation', area: 'mounts and rootfs',
    tests: ['Linux mount options: every MUST and SHOULD option'],
  },
  {
    doc: 'config.md', section: 'Linux mount options', phrase: '`strictatime` | MUST |', area: 'mounts and rootfs',
    tests: ['Linux mount options: every MUST and SHOULD option'],
  },
  {
    doc: 'config.md', section: 'Linux mount options', phrase: '`suid` | MUST |', area: 'mounts and rootfs',
    tests: ['Linux mount options: every MUST and SHOULD option'],
  },
  {
    doc: 'config.md', section: 'Linux mount options', phrase: '`symfollow` | SHOULD | Opposite of `nosymfollow`', area: 'mounts and rootfs',
    tests: ['Linux mount options: every MUST and SHOULD option'],
  },
  {
    doc: 'config.md', section: 'Linux mount options', phrase: '`sync` | MUST |', area: 'mounts and rootfs',
    tests: ['Linux mount options: every MUST and SHOULD option'],
  },
  {
    doc: 'config.md', section: 'Linux mount options', phrase: '`unbindable` | MUST | Bind mount propagation', area: 'mounts and rootfs',
    tests: ['Linux mount options: every MUST and SHOULD option'],
  },
  {
    doc: 'config.md', section: 'Linux mount options', phrase: '`idmap` | SHOULD | Indicates that the', area: 'mounts and rootfs',
    tests: ['uidMappings/gidMappings on a bind mount map its owners, without a user namespace'],
  },
  {
    doc: 'config.md', section: 'Linux mount options', phrase: 'This option SHOULD NOT be passed to', nth: 1, area: 'mounts and rootfs',
    unobservable: 'for a bind mount (the only kind that is idmapped) mount(2) ignores its data argument, so whether the string reaches it cannot be seen',
  },
  {
    doc: 'config.md', section: 'Linux mount options', phrase: 'mount, the runtime MUST use those values', nth: 1, area: 'mounts and rootfs',
    tests: ['uidMappings/gidMappings on a bind mount map its owners, without a user namespace', 'with the container user namespace, mount mappings are relative to the host'],
  },
  {
    doc: 'config.md', section: 'Linux mount options', phrase: 'otherwise an error MUST be returned', nth: 1, area: 'mounts and rootfs',
    tests: ['idmap without mappings takes the container user namespace mapping', 'bad mappings and options are refused naming the field'],
  },
  {
    doc: 'config.md', section: 'Linux mount options', phrase: 'namespaces, an error MUST be returned', nth: 1, area: 'mounts and rootfs',
    tests: ['bad mappings and options are refused naming the field'],
  },
  {
    doc: 'config.md', section: 'Linux mount options', phrase: 'This SHOULD be implemented using `mount_setattr(MOUNT_ATTR_IDMAP)`, available', nth: 1, area: 'mounts and rootfs',
    unobservable: IDMAP_IMPLEMENTATION,
  },
  {
    doc: 'config.md', section: 'Linux mount options', phrase: '`ridmap` | SHOULD | Indicates that the', area: 'mounts and rootfs',
    tests: ['ridmap maps every mount of an rbind tree'],
  },
  {
    doc: 'config.md', section: 'Linux mount options', phrase: 'This option SHOULD NOT be passed to', nth: 2, area: 'mounts and rootfs',
    unobservable: 'for a bind mount (the only kind that is idmapped) mount(2) ignores its data argument, so whether the string reaches it cannot be seen',
  },
  {
    doc: 'config.md', section: 'Linux mount options', phrase: 'mount, the runtime MUST use those values', nth: 2, area: 'mounts and rootfs',
    tests: ['ridmap maps every mount of an rbind tree'],
  },
  {
    doc: 'config.md', section: 'Linux mount options', phrase: 'otherwise an error MUST be returned', nth: 2, area: 'mounts and rootfs',
    tests: ['idmap without mappings takes the container user namespace mapping', 'bad mappings and options are refused naming the field'],
  },
  {
    doc: 'config.md', section: 'Linux mount options', phrase: 'namespaces, an error MUST be returned', nth: 2, area: 'mounts and rootfs',
    tests: ['bad mappings and options are refused naming the field'],
  },
  {
    doc: 'config.md', section: 'Linux mount options', phrase: 'This SHOULD be implemented using `mount_setattr(MOUNT_ATTR_IDMAP)`, available', nth: 2, area: 'mounts and rootfs',
    unobservable: IDMAP_IMPLEMENTATION,
  },
  {
    doc: 'config.md', section: 'Linux mount options', phrase: 'The "MUST" options correspond to `mount(8)`', area: 'mounts and rootfs',
    unobservable: 'a definition (the MUST options are those of mount(8)), not a requirement',
  },
  {
    doc: 'config.md', section: 'Linux mount options', phrase: '`mount(8)`, the runtime SHOULD follow the behavior', area: 'mounts and rootfs',
    tests: ['Linux mount options: every MUST and SHOULD option'],
  },
  {
    doc: 'config.md', section: 'Linux mount options', phrase: 'Runtimes SHOULD treat unknown options as filesystem-specific', area: 'mounts and rootfs',
    tests: ['mounts: tmpfs with options'],
  },

  // config.md: POSIX-platform Mounts
  {
    doc: 'config.md', section: 'POSIX-platform Mounts', phrase: 'This SHOULD be implemented using `mount_setattr(MOUNT_ATTR_IDMAP)`, available', nth: 1, area: 'mounts and rootfs',
    unobservable: IDMAP_IMPLEMENTATION,
  },
  {
    doc: 'config.md', section: 'POSIX-platform Mounts', phrase: 'the `mounts` structure SHOULD contain either `idmap`', nth: 1, area: 'mounts and rootfs',
    unobservable: 'advice to config authors on the options of an idmapped mount',
  },
  {
    doc: 'config.md', section: 'POSIX-platform Mounts', phrase: 'If specified, it MUST be specified along with `gidMappings`', area: 'mounts and rootfs',
    tests: ['bad mappings and options are refused naming the field'],
  },
  {
    doc: 'config.md', section: 'POSIX-platform Mounts', phrase: 'This SHOULD be implemented using `mount_setattr(MOUNT_ATTR_IDMAP)`, available', nth: 2, area: 'mounts and rootfs',
    unobservable: IDMAP_IMPLEMENTATION,
  },
  {
    doc: 'config.md', section: 'POSIX-platform Mounts', phrase: 'the `mounts` structure SHOULD contain either `idmap`', nth: 2, area: 'mounts and rootfs',
    unobservable: 'advice to config authors on the options of an idmapped mount',
  },
  {
    doc: 'config.md', section: 'POSIX-platform Mounts', phrase: 'If specified, it MUST be specified along with `uidMappings`', area: 'mounts and rootfs',
    tests: ['mounts: gidMappings without uidMappings'],
  },

  // config.md: Process
  {
    doc: 'config.md', section: 'Process', phrase: 'Runtimes MUST ignore `consoleSize` if `terminal` is', area: 'terminals',
    tests: ['consoleSize with terminal false'],
  },
  { doc: 'config.md', section: 'Process', phrase: 'This value MUST be an absolute path', area: 'process', tests: ['process.cwd relative'] },

  // config.md: POSIX process
  {
    doc: 'config.md', section: 'POSIX process', phrase: 'The runtime MUST generate an error for', area: 'process',
    tests: ['rlimits: a type that "cannot be mapped to a relevant kernel interface"'],
  },
  {
    doc: 'config.md', section: 'POSIX process', phrase: '`getrlimit(3)` on `type` MUST succeed', area: 'process',
    tests: ['rlimits: rlim_cur and rlim_max "MUST match the configured value"'],
  },
  {
    doc: 'config.md', section: 'POSIX process', phrase: '`rlim.rlim_cur` MUST match the configured value', area: 'process',
    tests: ['rlimits: rlim_cur and rlim_max "MUST match the configured value"'],
  },
  {
    doc: 'config.md', section: 'POSIX process', phrase: '`rlim.rlim_max` MUST match the configured value', area: 'process',
    tests: ['rlimits: rlim_cur and rlim_max "MUST match the configured value"'],
  },
  {
    doc: 'config.md', section: 'POSIX process', phrase: '`type`, the runtime MUST generate an error', area: 'process',
    tests: ['rlimits: "duplicated entries with same type"'],
  },

  // config.md: Linux Process
  {
    doc: 'config.md', section: 'Linux Process', phrase: 'be granted otherwise MUST be logged as', area: 'security',
    tests: ['capabilities: an unknown capability'],
  },
  {
    doc: 'config.md', section: 'Linux Process', phrase: 'Runtimes SHOULD NOT fail if the container', area: 'security',
    tests: ['capabilities: an unknown capability'],
  },
  {
    doc: 'config.md', section: 'Linux Process', phrase: 'set, the runtime MUST set `oom_score_adj` to', area: 'process',
    tests: ['oomScoreAdj: "the runtime MUST set oom_score_adj'],
  },
  { doc: 'config.md', section: 'Linux Process', phrase: 'set, the runtime MUST NOT change the', area: 'process', tests: ['oomScoreAdj unset'] },
  { doc: 'config.md', section: 'Linux Process', phrase: "or empty, runtime SHOULD NOT change process'", area: 'process', tests: ['execCPUAffinity omitted'] },

  // config.md: Platform-specific configuration
  {
    doc: 'config.md', section: 'Platform-specific configuration', phrase: 'This MUST be set if the target', area: "the callers' contract",
    unobservable: WINDOWS_ONLY,
  },

  // config.md: POSIX-platform Hooks
  {
    doc: 'config.md', section: 'POSIX-platform Hooks', phrase: 'in that `path` MUST be absolute', nth: 1, area: 'hooks',
    tests: ['a hook path that is not absolute'],
  },
  {
    doc: 'config.md', section: 'POSIX-platform Hooks', phrase: 'If set, `timeout` MUST be greater than', nth: 1, area: 'hooks',
    tests: ['a hook timeout of 0'],
  },
  {
    doc: 'config.md', section: 'POSIX-platform Hooks', phrase: 'value of `path` MUST resolve in the runtime', nth: 1, area: 'hooks',
    tests: [': a path that does not exist fails the operation'],
  },
  {
    doc: 'config.md', section: 'POSIX-platform Hooks', phrase: 'The `prestart` hooks MUST be executed in', area: 'hooks',
    tests: ['prestart, createRuntime, poststart and poststop "MUST be executed in the runtime namespace"'],
  },
  {
    doc: 'config.md', section: 'POSIX-platform Hooks', phrase: 'in that `path` MUST be absolute', nth: 2, area: 'hooks',
    tests: ['a hook path that is not absolute'],
  },
  {
    doc: 'config.md', section: 'POSIX-platform Hooks', phrase: 'If set, `timeout` MUST be greater than', nth: 2, area: 'hooks',
    tests: ['a hook timeout of 0'],
  },
  {
    doc: 'config.md', section: 'POSIX-platform Hooks', phrase: 'value of `path` MUST resolve in the runtime', nth: 2, area: 'hooks',
    tests: [': a path that does not exist fails the operation'],
  },
  {
    doc: 'config.md', section: 'POSIX-platform Hooks', phrase: 'The `createRuntime` hooks MUST be executed in', area: 'hooks',
    tests: ['prestart, createRuntime, poststart and poststop "MUST be executed in the runtime namespace"'],
  },
  {
    doc: 'config.md', section: 'POSIX-platform Hooks', phrase: 'value of `path` MUST resolve in the runtime', nth: 3, area: 'hooks',
    tests: ['createContainer: "The value of path MUST resolve in the runtime namespace"'],
  },
  {
    doc: 'config.md', section: 'POSIX-platform Hooks', phrase: 'The `createContainer` hooks MUST be executed in', area: 'hooks',
    tests: ['createContainer and startContainer "MUST be executed in the container namespace"'],
  },
  {
    doc: 'config.md', section: 'POSIX-platform Hooks', phrase: 'value of `path` MUST resolve in the container', area: 'hooks',
    tests: ['startContainer: "The value of path MUST resolve in the container namespace"'],
  },
  {
    doc: 'config.md', section: 'POSIX-platform Hooks', phrase: 'The `startContainer` hooks MUST be executed in', area: 'hooks',
    tests: ['createContainer and startContainer "MUST be executed in the container namespace"'],
  },
  {
    doc: 'config.md', section: 'POSIX-platform Hooks', phrase: 'value of `path` MUST resolve in the runtime', nth: 4, area: 'hooks',
    tests: [': a path that does not exist fails the operation'],
  },
  {
    doc: 'config.md', section: 'POSIX-platform Hooks', phrase: 'The `poststart` hooks MUST be executed in', area: 'hooks',
    tests: ['prestart, createRuntime, poststart and poststop "MUST be executed in the runtime namespace"'],
  },
  {
    doc: 'config.md', section: 'POSIX-platform Hooks', phrase: 'value of `path` MUST resolve in the runtime', nth: 5, area: 'hooks',
    tests: [': a path that does not exist fails the operation'],
  },
  {
    doc: 'config.md', section: 'POSIX-platform Hooks', phrase: 'The `poststop` hooks MUST be executed in', area: 'hooks',
    tests: ['prestart, createRuntime, poststart and poststop "MUST be executed in the runtime namespace"'],
  },
  {
    doc: 'config.md', section: 'POSIX-platform Hooks', phrase: 'Hooks MUST be called in the listed', area: 'hooks',
    tests: ['create runs prestart, then createRuntime, then createContainer'],
  },
  {
    doc: 'config.md', section: 'POSIX-platform Hooks', phrase: 'of the container MUST be passed to', area: 'hooks',
    tests: [': "The state of the container MUST be passed to hooks over stdin"'],
  },

  // config.md: Prestart
  {
    doc: 'config.md', section: 'Prestart', phrase: 'The `prestart` hooks MUST be called as', area: 'hooks',
    tests: ['run after the runtime environment has been created but before pivot_root', 'create runs prestart, then createRuntime, then createContainer'],
  },
  {
    doc: 'config.md', section: 'Prestart', phrase: 'The `prestart` hooks MUST be called before', area: 'hooks',
    tests: ['create runs prestart, then createRuntime, then createContainer'],
  },
  {
    doc: 'config.md', section: 'Prestart', phrase: "`prestart` hooks' path MUST resolve in the", area: 'hooks',
    tests: [': a path that does not exist fails the operation'],
  },
  {
    doc: 'config.md', section: 'Prestart', phrase: 'The `prestart` hooks MUST be executed in', area: 'hooks',
    tests: ['prestart, createRuntime, poststart and poststop "MUST be executed in the runtime namespace"'],
  },

  // config.md: CreateRuntime Hooks
  {
    doc: 'config.md', section: 'CreateRuntime Hooks', phrase: 'The `createRuntime` hooks MUST be called as', area: 'hooks',
    tests: ['run after the runtime environment has been created but before pivot_root', 'create runs prestart, then createRuntime, then createContainer'],
  },
  {
    doc: 'config.md', section: 'CreateRuntime Hooks', phrase: "`createRuntime` hooks' path MUST resolve in the", area: 'hooks',
    tests: [': a path that does not exist fails the operation'],
  },
  {
    doc: 'config.md', section: 'CreateRuntime Hooks', phrase: 'The `createRuntime` hooks MUST be executed in', area: 'hooks',
    tests: ['prestart, createRuntime, poststart and poststop "MUST be executed in the runtime namespace"'],
  },

  // config.md: CreateContainer Hooks
  {
    doc: 'config.md', section: 'CreateContainer Hooks', phrase: 'The `createContainer` hooks MUST be called as', area: 'hooks',
    tests: ['run after the runtime environment has been created but before pivot_root', 'create runs prestart, then createRuntime, then createContainer'],
  },
  {
    doc: 'config.md', section: 'CreateContainer Hooks', phrase: 'The `createContainer` hooks MUST be called after', area: 'hooks',
    tests: ['create runs prestart, then createRuntime, then createContainer'],
  },
  {
    doc: 'config.md', section: 'CreateContainer Hooks', phrase: "`createContainer` hooks' path MUST resolve in the", area: 'hooks',
    tests: ['createContainer: "The value of path MUST resolve in the runtime namespace"'],
  },
  {
    doc: 'config.md', section: 'CreateContainer Hooks', phrase: 'The `createContainer` hooks MUST be executed in', area: 'hooks',
    tests: ['createContainer and startContainer "MUST be executed in the container namespace"'],
  },

  // config.md: StartContainer Hooks
  {
    doc: 'config.md', section: 'StartContainer Hooks', phrase: 'The `startContainer` hooks MUST be called before', area: 'hooks',
    tests: ['startContainer runs as part of start, before the user-specified program'],
  },
  {
    doc: 'config.md', section: 'StartContainer Hooks', phrase: "`startContainer` hooks' path MUST resolve in the", area: 'hooks',
    tests: ['startContainer: "The value of path MUST resolve in the container namespace"'],
  },
  {
    doc: 'config.md', section: 'StartContainer Hooks', phrase: 'The `startContainer` hooks MUST be executed in', area: 'hooks',
    tests: ['createContainer and startContainer "MUST be executed in the container namespace"'],
  },

  // config.md: Poststart
  {
    doc: 'config.md', section: 'Poststart', phrase: 'The `poststart` hooks MUST be called after', area: 'hooks',
    tests: ['poststart runs "after the user-specified process is executed but before the start operation returns"', 'poststart hooks are not part of create'],
  },
  {
    doc: 'config.md', section: 'Poststart', phrase: "`poststart` hooks' path MUST resolve in the", area: 'hooks',
    tests: [': a path that does not exist fails the operation'],
  },
  {
    doc: 'config.md', section: 'Poststart', phrase: 'The `poststart` hooks MUST be executed in', area: 'hooks',
    tests: ['prestart, createRuntime, poststart and poststop "MUST be executed in the runtime namespace"'],
  },

  // config.md: Poststop
  { doc: 'config.md', section: 'Poststop', phrase: 'The `poststop` hooks MUST be called after', area: 'hooks', tests: ['poststop runs at delete'] },
  {
    doc: 'config.md', section: 'Poststop', phrase: "`poststop` hooks' path MUST resolve in the", area: 'hooks',
    tests: [': a path that does not exist fails the operation'],
  },
  {
    doc: 'config.md', section: 'Poststop', phrase: 'The `poststop` hooks MUST be executed in', area: 'hooks',
    tests: ['prestart, createRuntime, poststart and poststop "MUST be executed in the runtime namespace"'],
  },

  // config.md: Annotations
  {
    doc: 'config.md', section: 'Annotations', phrase: 'Annotations MUST be a key-value map', area: 'lifecycle and state',
    tests: ['annotations: a value that is not a map'],
  },
  {
    doc: 'config.md', section: 'Annotations', phrase: 'Keys MUST be strings', area: 'lifecycle and state',
    unobservable: 'JSON object keys are always strings: no config.json can break this',
  },
  { doc: 'config.md', section: 'Annotations', phrase: 'Keys MUST NOT be an empty string', area: 'lifecycle and state', tests: ['annotations: an empty key'] },
  {
    doc: 'config.md', section: 'Annotations', phrase: 'Keys SHOULD be named using a reverse', area: 'lifecycle and state',
    unobservable: 'naming advice to config authors; any non-empty key is valid for the runtime',
  },
  {
    doc: 'config.md', section: 'Annotations', phrase: 'in this namespace MUST be as described', area: 'lifecycle and state',
    unobservable: 'a rule for whoever defines org.opencontainers keys; the runtime gives them no meaning',
  },
  {
    doc: 'config.md', section: 'Annotations', phrase: 'The annotation value MUST have a valid value for the `os`', area: 'lifecycle and state',
    unobservable: IMAGE_SPEC_VALUE,
  },
  {
    doc: 'config.md', section: 'Annotations', phrase: 'This annotation SHOULD only be used in', nth: 1, area: 'lifecycle and state',
    unobservable: IMAGE_CONVERSION,
  },
  {
    doc: 'config.md', section: 'Annotations', phrase: 'The annotation value MUST have a valid value for the `os.version`', area: 'lifecycle and state',
    unobservable: IMAGE_SPEC_VALUE,
  },
  {
    doc: 'config.md', section: 'Annotations', phrase: 'This annotation SHOULD only be used in', nth: 2, area: 'lifecycle and state',
    unobservable: IMAGE_CONVERSION,
  },
  {
    doc: 'config.md', section: 'Annotations', phrase: 'The annotation value MUST have a valid value for the `os.features`', area: 'lifecycle and state',
    unobservable: IMAGE_SPEC_VALUE,
  },
  {
    doc: 'config.md', section: 'Annotations', phrase: 'This annotation SHOULD only be used in', nth: 3, area: 'lifecycle and state',
    unobservable: IMAGE_CONVERSION,
  },
  {
    doc: 'config.md', section: 'Annotations', phrase: 'The annotation value MUST have a valid value for the `architecture`', area: 'lifecycle and state',
    unobservable: IMAGE_SPEC_VALUE,
  },
  {
    doc: 'config.md', section: 'Annotations', phrase: 'This annotation SHOULD only be used in', nth: 4, area: 'lifecycle and state',
    unobservable: IMAGE_CONVERSION,
  },
  {
    doc: 'config.md', section: 'Annotations', phrase: 'The annotation value MUST have a valid value for the `variant`', area: 'lifecycle and state',
    unobservable: IMAGE_SPEC_VALUE,
  },
  {
    doc: 'config.md', section: 'Annotations', phrase: 'This annotation SHOULD only be used in', nth: 5, area: 'lifecycle and state',
    unobservable: IMAGE_CONVERSION,
  },
  {
    doc: 'config.md', section: 'Annotations', phrase: 'The annotation value MUST have a valid value for the `author`', area: 'lifecycle and state',
    unobservable: IMAGE_SPEC_VALUE,
  },
  {
    doc: 'config.md', section: 'Annotations', phrase: 'This annotation SHOULD only be used in', nth: 6, area: 'lifecycle and state',
    unobservable: IMAGE_CONVERSION,
  },
  {
    doc: 'config.md', section: 'Annotations', phrase: 'The annotation value MUST have a valid value for the `created`', area: 'lifecycle and state',
    unobservable: IMAGE_SPEC_VALUE,
  },
  {
    doc: 'config.md', section: 'Annotations', phrase: 'This annotation SHOULD only be used in', nth: 7, area: 'lifecycle and state',
    unobservable: IMAGE_CONVERSION,
  },
  {
    doc: 'config.md', section: 'Annotations', phrase: '`org.opencontainers.image.stopSignal` | Indicates signal that SHOULD be', area: "the callers' contract",
    unobservable: "the kill operation always sends the signal its caller specifies (runtime.md Kill); choosing stopSignal is the caller's (engine's) job",
  },
  {
    doc: 'config.md', section: 'Annotations', phrase: 'The annotation value MUST have a valid value for the `config.StopSignal`', area: 'lifecycle and state',
    unobservable: IMAGE_SPEC_VALUE,
  },
  {
    doc: 'config.md', section: 'Annotations', phrase: 'This annotation SHOULD only be used in', nth: 8, area: 'lifecycle and state',
    unobservable: IMAGE_CONVERSION,
  },
  {
    doc: 'config.md', section: 'Annotations', phrase: 'are reserved and MUST NOT be used', area: 'lifecycle and state',
    unobservable: 'a rule for later versions of the specification itself',
  },
  {
    doc: 'config.md', section: 'Annotations', phrase: 'Runtimes MUST handle unknown annotation keys like', area: 'lifecycle and state',
    tests: ['unknown properties are ignored'],
  },
  {
    doc: 'config.md', section: 'Annotations', phrase: 'Values MUST be strings', area: 'lifecycle and state',
    tests: ['annotations: a value that is not a string'],
  },

  // config.md: Extensibility
  {
    doc: 'config.md', section: 'Extensibility', phrase: 'unknown properties but MUST otherwise ignore them', area: 'lifecycle and state',
    tests: ['unknown properties are ignored'],
  },

  // config.md: Valid values
  {
    doc: 'config.md', section: 'Valid values', phrase: 'Runtimes MUST generate an error when invalid', area: 'lifecycle and state',
    tests: ['process.args empty', 'process.cwd relative', 'ociVersion that is not SemVer', 'annotations: a value that is not a string'],
  },

  // config-linux.md: Default Filesystems
  {
    doc: 'config-linux.md', section: 'Default Filesystems', phrase: 'The following filesystems SHOULD be made available', area: 'mounts and rootfs',
    tests: ['default filesystems /proc, /sys, /dev'],
  },

  // config-linux.md: Namespaces
  {
    doc: 'config-linux.md', section: 'Namespaces', phrase: 'following namespace types SHOULD be supported', area: 'namespaces',
    tests: ['namespaces: each requested namespace is new', "user namespace: the rootfs and the container's v1 cgroups keep their owners", 'namespaces: a new cgroup namespace is supported', 'time namespace with a boottime offset'],
  },
  { doc: 'config-linux.md', section: 'Namespaces', phrase: 'This value MUST be an absolute path', area: 'namespaces', tests: ['namespaces: a relative path'] },
  {
    doc: 'config-linux.md', section: 'Namespaces', phrase: 'The runtime MUST place the container process', area: 'namespaces',
    tests: ['namespaces: with a path, "the container process" is placed'],
  },
  {
    doc: 'config-linux.md', section: 'Namespaces', phrase: 'The runtime MUST generate an error if', area: 'namespaces',
    tests: ['namespaces: "path is not associated with a namespace of type type"'],
  },
  {
    doc: 'config-linux.md', section: 'Namespaces', phrase: 'specified, the runtime MUST create a new', area: 'namespaces',
    tests: ['namespaces: each requested namespace is new', 'namespaces: a new network namespace has its own network stack'],
  },
  {
    doc: 'config-linux.md', section: 'Namespaces', phrase: 'array, the container MUST inherit the runtime', area: 'namespaces',
    tests: ['namespaces: each requested namespace is new', 'namespaces: without a mount namespace the container'],
  },
  {
    doc: 'config-linux.md', section: 'Namespaces', phrase: '`type`, the runtime MUST generate an error', area: 'namespaces',
    tests: ['namespaces: "duplicated namespaces with same type"'],
  },

  // config-linux.md: User namespace mappings
  {
    doc: 'config-linux.md', section: 'User namespace mappings', phrase: 'The runtime SHOULD NOT modify the ownership', area: 'namespaces',
    tests: ["user namespace: the rootfs and the container's v1 cgroups keep their owners"],
  },

  // config-linux.md: Devices
  {
    doc: 'config-linux.md', section: 'Devices', phrase: 'lists devices that MUST be available in', area: 'devices',
    tests: ['linux.devices: nodes are created'],
  },
  {
    doc: 'config-linux.md', section: 'Devices', phrase: 'device, the runtime MUST generate an error', area: 'devices',
    tests: ['devices: "If a file already exists at path'],
  },
  {
    doc: 'config-linux.md', section: 'Devices', phrase: '`major` and `minor` SHOULD NOT be used', area: 'devices',
    unobservable: 'advice to config authors; duplicated device numbers are still a valid config',
  },

  // config-linux.md: Default Devices
  {
    doc: 'config-linux.md', section: 'Default Devices', phrase: 'setting, the runtime MUST also supply', area: 'devices',
    tests: ['default devices null zero full'],
  },

  // config-linux.md: Network Devices
  {
    doc: 'config-linux.md', section: 'Network Devices', phrase: 'network devices that MUST be made available', area: 'devices',
    tests: ['a host interface moves in, renamed, with its permanent global addresses, up'],
  },
  {
    doc: 'config-linux.md', section: 'Network Devices', phrase: 'The runtime MUST check if moving the', area: 'devices',
    tests: ['a host device that does not exist', 'a device that cannot change namespace (a bridge) fails create'],
  },
  {
    doc: 'config-linux.md', section: 'Network Devices', phrase: 'namespace, the runtime MUST generate an error', area: 'devices',
    tests: ['a name that already exists in the container namespace'],
  },
  {
    doc: 'config-linux.md', section: 'Network Devices', phrase: 'case, the runtime MUST allow the move', area: 'devices',
    tests: ['a "%d" template lets the kernel number the device'],
  },
  {
    doc: 'config-linux.md', section: 'Network Devices', phrase: 'The runtime MUST preserve existing network interface', area: 'devices',
    tests: ['a host interface moves in, renamed, with its permanent global addresses, up'],
  },
  {
    doc: 'config-linux.md', section: 'Network Devices', phrase: 'The runtime MUST set the network device', area: 'devices',
    tests: ['a host interface moves in, renamed, with its permanent global addresses, up'],
  },

  // config-linux.md: Namespace Lifecycle and Container Termination
  {
    doc: 'config-linux.md', section: 'Namespace Lifecycle and Container Termination', phrase: 'The runtime MUST NOT actively manage the', area: 'devices',
    tests: ['a host interface moves in, renamed, with its permanent global addresses, up', 'a namespace the container joins keeps the device after delete'],
  },
  {
    doc: 'config-linux.md', section: 'Namespace Lifecycle and Container Termination', phrase: 'The runtime MUST NOT attempt to move', area: 'devices',
    tests: ['a namespace the container joins keeps the device after delete'],
  },

  // config-linux.md: Control groups
  {
    doc: 'config-linux.md', section: 'Control groups', phrase: 'for purpose, and MUST generate an error', area: 'cgroups',
    unobservable: "the check is optional and its criteria are the runtime's own; no runtime-agnostic config makes it fail",
  },

  // config-linux.md: Cgroups Path
  {
    doc: 'config-linux.md', section: 'Cgroups Path', phrase: 'value of `cgroupsPath` MUST be either an', area: 'cgroups',
    unobservable: 'a constraint on config authors that every string meets (it starts with / or it does not)',
  },
  {
    doc: 'config-linux.md', section: 'Cgroups Path', phrase: '`/`), the runtime MUST take the path', area: 'cgroups',
    tests: ['memory: limit, reservation, swap and swappiness are set', 'pids: limit (config-linux.md PIDs)'],
  },
  {
    doc: 'config-linux.md', section: 'Cgroups Path', phrase: 'specified, the runtime MUST consistently attach to', area: 'cgroups',
    tests: ['cgroupsPath: the same value attaches to the same place', "the pid file has the host pid of a process in the container's namespaces and cgroups"],
  },
  {
    doc: 'config-linux.md', section: 'Cgroups Path', phrase: 'be invalid, and MUST generate an error', area: 'cgroups',
    tests: ['bad cgroupsPath values give clear errors and leave nothing behind'],
  },

  // config-linux.md: Cgroup ownership
  {
    doc: 'config-linux.md', section: 'Cgroup ownership', phrase: 'Runtimes SHOULD NOT change the ownership of', area: 'cgroups',
    tests: ["user namespace: the rootfs and the container's v1 cgroups keep their owners"],
  },
  {
    doc: 'config-linux.md', section: 'Cgroup ownership', phrase: 'A runtime SHOULD NOT change the ownership', area: 'cgroups',
    tests: ["user namespace: the rootfs and the container's v1 cgroups keep their owners", 'cgroup v2 ownership: no new cgroup namespace, or a read-only cgroup mount'],
  },
  {
    doc: 'config-linux.md', section: 'Cgroup ownership', phrase: 'Runtimes SHOULD change the cgroup ownership if', area: 'cgroups',
    tests: ['cgroup v2 ownership: with a new cgroup namespace and a read-write cgroup mount', 'cgroup v2 ownership: no new cgroup namespace, or a read-only cgroup mount'],
  },
  {
    doc: 'config-linux.md', section: 'Cgroup ownership', phrase: 'mount, the runtime SHOULD NOT change the', area: 'cgroups',
    tests: ['cgroup v2 ownership: no new cgroup namespace, or a read-only cgroup mount'],
  },
  {
    doc: 'config-linux.md', section: 'Cgroup ownership', phrase: 'the cgroup ownership SHOULD only change the', area: 'cgroups',
    tests: ['cgroup v2 ownership: with a new cgroup namespace and a read-write cgroup mount'],
  },
  {
    doc: 'config-linux.md', section: 'Cgroup ownership', phrase: 'Runtimes MUST NOT fail in this scenario', area: 'cgroups',
    tests: ['cgroup v2 ownership: with a new cgroup namespace and a read-write cgroup mount'],
  },
  {
    doc: 'config-linux.md', section: 'Cgroup ownership', phrase: 'exist, the runtime MUST fall back to', area: 'cgroups',
    hostCannot: 'the fallback list is for kernels without /sys/kernel/cgroup/delegate (before 4.15); this host and the cgroup v2 test VM have it',
  },
  {
    doc: 'config-linux.md', section: 'Cgroup ownership', phrase: 'The runtime SHOULD NOT change the ownership', area: 'cgroups',
    tests: ['cgroup v2 ownership: with a new cgroup namespace and a read-write cgroup mount'],
  },

  // config-linux.md: Allowed Device list
  {
    doc: 'config-linux.md', section: 'Allowed Device list', phrase: 'The runtime MUST apply entries in the', area: 'devices',
    tests: ['devices cgroup: "The runtime MUST apply entries in the listed order"'],
  },

  // config-linux.md: Memory
  {
    doc: 'config-linux.md', section: 'Memory', phrase: 'current usage, and MUST reject the new', area: 'cgroups',
    tests: ['memory.checkBeforeUpdate: a new limit below the current usage'],
  },

  // config-linux.md: CPU
  {
    doc: 'config-linux.md', section: 'CPU', phrase: 'positive value, it MUST be no smaller', area: 'cgroups',
    unobservable: 'a constraint on config authors; the runtime MAY (not MUST) reject a quota below burst',
  },
  {
    doc: 'config-linux.md', section: 'CPU', phrase: 'specified, this value MUST be no larger', area: 'cgroups',
    unobservable: 'a constraint on config authors; the runtime MAY (not MUST) reject a burst above quota',
  },

  // config-linux.md: Block IO
  {
    doc: 'config-linux.md', section: 'Block IO', phrase: 'You MUST specify at least one of', area: 'cgroups',
    tests: ['blockIO: a weightDevice entry with neither weight nor leafWeight'],
  },

  // config-linux.md: PIDs
  { doc: 'config-linux.md', section: 'PIDs', phrase: "kernel's perspective and SHOULD be treated as", area: 'cgroups', tests: ['pids: a limit of 0'] },

  // config-linux.md: RDMA
  {
    doc: 'config-linux.md', section: 'RDMA', phrase: 'You MUST specify at least one of', area: 'cgroups',
    hostCannot: 'no rdma cgroup controller on this host: any rdma config fails, so the check of the entry cannot be told apart',
  },

  // config-linux.md: Unified
  {
    doc: 'config-linux.md', section: 'Unified', phrase: 'The OCI runtime MUST ensure that the', area: 'cgroups',
    tests: ['cgroup v2 unified: a key of a controller is written'],
  },
  {
    doc: 'config-linux.md', section: 'Unified', phrase: 'to the runtime MUST still be written', area: 'cgroups',
    tests: ['unified: a core cgroup v2 file is written as given'],
  },
  {
    doc: 'config-linux.md', section: 'Unified', phrase: 'The runtime MUST generate an error when', area: 'cgroups',
    tests: ['unified: a key for a controller the cgroup v2 hierarchy does not have is an error'],
  },

  // config-linux.md: Example
  {
    doc: 'config-linux.md', section: 'Example', phrase: 'possible the runtime MUST generate an error', area: 'cgroups',
    tests: ['cgroup v2: a cgroup v1 setting without a v2 equivalent'],
  },

  // config-linux.md: IntelRdt
  { doc: 'config-linux.md', section: 'IntelRdt', phrase: 'set, the runtime MUST write the container', area: 'cgroups', hostCannot: NO_RESCTRL },
  {
    doc: 'config-linux.md', section: 'IntelRdt', phrase: 'namespace, the runtime MUST generate an error', area: 'cgroups',
    tests: ['intelRdt without a mounted resctrl'],
  },
  {
    doc: 'config-linux.md', section: 'IntelRdt', phrase: 'set, the runtime MUST NOT manipulate any', area: 'cgroups',
    hostCannot: 'no resctrl filesystem (Intel RDT) on this host: nothing to leave untouched',
  },
  { doc: 'config-linux.md', section: 'IntelRdt', phrase: 'that the container MUST be assigned to', area: 'cgroups', hostCannot: NO_RESCTRL },
  {
    doc: 'config-linux.md', section: 'IntelRdt', phrase: 'The value SHOULD start with `L3:` and', area: 'cgroups',
    unobservable: 'a format rule for config authors (SHOULD); the runtime writes the value to the kernel, which judges it',
  },
  { doc: 'config-linux.md', section: 'IntelRdt', phrase: 'The value MUST start with `MB:` and', area: 'cgroups', hostCannot: NO_RESCTRL_CHECK },
  { doc: 'config-linux.md', section: 'IntelRdt', phrase: 'The value MUST NOT contain newlines', area: 'cgroups', hostCannot: NO_RESCTRL_CHECK },
  { doc: 'config-linux.md', section: 'IntelRdt', phrase: 'rules on parameters MUST be applied', area: 'cgroups', hostCannot: NO_RESCTRL },
  { doc: 'config-linux.md', section: 'IntelRdt', phrase: 'are set, runtimes MUST write the values', area: 'cgroups', hostCannot: NO_RESCTRL },
  { doc: 'config-linux.md', section: 'IntelRdt', phrase: 'The runtimes MUST write `l3CacheSchema` first and', area: 'cgroups', hostCannot: NO_RESCTRL },
  { doc: 'config-linux.md', section: 'IntelRdt', phrase: '`memBwSchema` is set, runtimes MUST write the value to', area: 'cgroups', hostCannot: NO_RESCTRL },
  { doc: 'config-linux.md', section: 'IntelRdt', phrase: 'field is set, runtimes MUST write the value to', area: 'cgroups', hostCannot: NO_RESCTRL },
  { doc: 'config-linux.md', section: 'IntelRdt', phrase: 'is set, runtimes MUST NOT write to', area: 'cgroups', hostCannot: NO_RESCTRL },
  { doc: 'config-linux.md', section: 'IntelRdt', phrase: 'not set, runtimes MUST use the container', area: 'cgroups', hostCannot: NO_RESCTRL },
  { doc: 'config-linux.md', section: 'IntelRdt', phrase: 'exist, the runtimes MUST create it', area: 'cgroups', hostCannot: NO_RESCTRL },
  {
    doc: 'config-linux.md', section: 'IntelRdt', phrase: 'pseudo-filesystem exists, runtimes MUST compare `l3CacheSchema` and/or', area: 'cgroups',
    hostCannot: NO_RESCTRL,
  },
  { doc: 'config-linux.md', section: 'IntelRdt', phrase: 'are set, runtime MUST check if corresponding', area: 'cgroups', hostCannot: NO_RESCTRL },
  { doc: 'config-linux.md', section: 'IntelRdt', phrase: '`closID` exists, runtime MUST assign container to', area: 'cgroups', hostCannot: NO_RESCTRL },
  { doc: 'config-linux.md', section: 'IntelRdt', phrase: 'sub-directory, the runtime MUST remove the sub-directory', area: 'cgroups', hostCannot: NO_RESCTRL },
  { doc: 'config-linux.md', section: 'IntelRdt', phrase: 'sub-directory, the runtime MUST NOT remove the', area: 'cgroups', hostCannot: NO_RESCTRL },
  { doc: 'config-linux.md', section: 'IntelRdt', phrase: 'set, the runtime MUST create a dedicated', area: 'cgroups', hostCannot: NO_RESCTRL },
  { doc: 'config-linux.md', section: 'IntelRdt', phrase: 'The runtime MUST use the container ID', area: 'cgroups', hostCannot: NO_RESCTRL },
  { doc: 'config-linux.md', section: 'IntelRdt', phrase: 'The runtime MUST delete the MON group', area: 'cgroups', hostCannot: NO_RESCTRL },
  { doc: 'config-linux.md', section: 'IntelRdt', phrase: 'reached) the runtime MUST return an error', area: 'cgroups', hostCannot: NO_RESCTRL },

  // config-linux.md: Seccomp
  {
    doc: 'config-linux.md', section: 'Seccomp', phrase: 'errno, the runtime MUST print and error', nth: 1, area: 'security',
    tests: ['seccomp: errnoRet with an action that has no errno'],
  },
  {
    doc: 'config-linux.md', section: 'Seccomp', phrase: 'This socket MUST use `AF_UNIX` domain and', area: 'security',
    tests: ['create hands the listener fd and the container process state to listenerPath'],
  },
  {
    doc: 'config-linux.md', section: 'Seccomp', phrase: 'The runtime MUST send exactly one container', area: 'security',
    tests: ['create hands the listener fd and the container process state to listenerPath'],
  },
  {
    doc: 'config-linux.md', section: 'Seccomp', phrase: 'The connection MUST NOT be reused and', area: 'security',
    tests: ['create hands the listener fd and the container process state to listenerPath'],
  },
  {
    doc: 'config-linux.md', section: 'Seccomp', phrase: 'fails, the runtime MUST generate an error', area: 'security',
    tests: ['seccomp NOTIFY with a listenerPath nobody listens on fails create'],
  },
  {
    doc: 'config-linux.md', section: 'Seccomp', phrase: 'This field MUST NOT be set if', area: 'security',
    tests: ['seccomp: listenerMetadata without listenerPath'],
  },
  {
    doc: 'config-linux.md', section: 'Seccomp', phrase: '`names` MUST contain at least one entry', area: 'security',
    tests: ['seccomp: a syscalls entry with empty names'],
  },
  {
    doc: 'config-linux.md', section: 'Seccomp', phrase: 'errno, the runtime MUST print and error', nth: 2, area: 'security',
    tests: ['seccomp: defaultErrnoRet with a default action that has no errno'],
  },

  // config-linux.md: The Container Process State
  {
    doc: 'config-linux.md', section: 'The Container Process State', phrase: 'The container runtime MUST send the container', area: 'security',
    tests: ['create hands the listener fd and the container process state to listenerPath'],
  },
  {
    doc: 'config-linux.md', section: 'The Container Process State', phrase: 'the file descriptors MUST be sent only', area: 'security',
    tests: ['create hands the listener fd and the container process state to listenerPath'],
  },

  // config-linux.md: Masked Paths
  {
    doc: 'config-linux.md', section: 'Masked Paths', phrase: 'The values MUST be absolute paths in', area: 'security',
    tests: ['maskedPaths: a relative path'],
  },

  // config-linux.md: Readonly Paths
  {
    doc: 'config-linux.md', section: 'Readonly Paths', phrase: 'The values MUST be absolute paths in', area: 'security',
    tests: ['readonlyPaths: a relative path'],
  },
];
