// Idmapped mounts (config.md "Mounts": uidMappings, gidMappings and the
// idmap / ridmap options): which user namespace mapping a bind mount gets.
// tsrun-init builds a user namespace from the host's with these maps and
// hands it to mount_setattr(MOUNT_ATTR_IDMAP) (addon/init/idmap.cc).
import { PlanError } from '../errors.js';
import type { IdMapping, Mount, Namespace } from '../spec/types.js';
import type { ParsedMountOptions } from './mount-options.js';
import type { PlanMountIdmap } from './types.js';

// The kernel's limits on a uid_map / gid_map write (user_namespaces(7)).
const MAX_MAP_ENTRIES = 340;
const MAX_MAP_BYTES = 4095; // one page, less one
const ID_LIMIT = 2 ** 32 - 1; // first + count must not wrap a u32

/** The text written to uid_map / gid_map: "inside outside count" lines. */
export function idMapText(mappings: readonly IdMapping[]): string {
  return mappings.map((m) => `${m.containerID} ${m.hostID} ${m.size}\n`).join('');
}

/**
 * Refuses mappings the kernel would reject when they are written, naming the
 * entry: empty, zero-sized, wrapping past 2^32-1, overlapping ranges on
 * either side, or more than uid_map takes.
 */
export function checkIdMappings(mappings: readonly IdMapping[], pointer: string): void {
  if (mappings.length === 0) throw new PlanError(pointer, 'must have at least one entry for an idmapped mount');
  if (mappings.length > MAX_MAP_ENTRIES)
    throw new PlanError(pointer, `has ${mappings.length} entries; the kernel takes at most ${MAX_MAP_ENTRIES}`);
  mappings.forEach((m, i) => {
    if (m.size < 1) throw new PlanError(`${pointer}/${i}/size`, 'must be at least 1');
    for (const side of ['containerID', 'hostID'] as const) {
      if (m[side] + m.size > ID_LIMIT)
        throw new PlanError(`${pointer}/${i}`, `${side} ${m[side]} + size ${m.size} runs past the largest id ${ID_LIMIT - 1}`);
    }
    for (let j = 0; j < i; j++) {
      const o = mappings[j]!;
      for (const side of ['containerID', 'hostID'] as const) {
        if (m[side] < o[side] + o.size && o[side] < m[side] + m.size)
          throw new PlanError(`${pointer}/${i}`, `${side} range ${m[side]}-${m[side] + m.size - 1} overlaps entry ${j}`);
      }
    }
  });
  if (idMapText(mappings).length > MAX_MAP_BYTES)
    throw new PlanError(pointer, `is longer than the ${MAX_MAP_BYTES} bytes the kernel takes as one map`);
}

/** What the container's own user namespace offers an idmap option without mappings. */
export interface ContainerUserns {
  /** linux.namespaces names a user namespace to join */
  path?: string;
  /** or a new one is made with these maps */
  uidMappings?: readonly IdMapping[];
  gidMappings?: readonly IdMapping[];
}

export function containerUserns(namespaces: readonly Namespace[], uidMappings?: IdMapping[], gidMappings?: IdMapping[]): ContainerUserns | undefined {
  const user = namespaces.find((n) => n.type === 'user');
  if (!user) return undefined;
  return user.path ? { path: user.path } : { uidMappings, gidMappings };
}

/**
 * The idmapping a mount asks for, or undefined. Mappings on the mount win;
 * without them idmap / ridmap take the container's user namespace (config.md
 * allows it), and with neither it is an error. Like runc, only bind mounts
 * can be idmapped, and mappings without either option map the top mount.
 */
export function planMountIdmap(
  m: Mount,
  pointer: string,
  parsed: ParsedMountOptions,
  isBind: boolean,
  userns: ContainerUserns | undefined,
): PlanMountIdmap | undefined {
  const hasUid = m.uidMappings !== undefined;
  const hasGid = m.gidMappings !== undefined;
  if (!parsed.idmap && !hasUid && !hasGid) return undefined;
  const optionAt = parsed.idmap ? `${pointer}/options/${(m.options ?? []).lastIndexOf(parsed.idmap.option)}` : `${pointer}/uidMappings`;
  if (hasUid !== hasGid)
    throw new PlanError(`${pointer}/${hasUid ? 'gidMappings' : 'uidMappings'}`, `must be given together with ${hasUid ? 'uidMappings' : 'gidMappings'}`);
  if (!isBind) throw new PlanError(optionAt, `idmapped mounts need a bind mount, not ${m.type ? `type ${m.type}` : 'a mount without a type'}`);
  const recursive = parsed.idmap?.recursive ?? false;
  if (hasUid) {
    checkIdMappings(m.uidMappings!, `${pointer}/uidMappings`);
    checkIdMappings(m.gidMappings!, `${pointer}/gidMappings`);
    return { recursive, uidMap: idMapText(m.uidMappings!), gidMap: idMapText(m.gidMappings!) };
  }
  const option = parsed.idmap!.option;
  if (!userns)
    throw new PlanError(optionAt, `"${option}" needs uidMappings and gidMappings on the mount or a user namespace in linux.namespaces`);
  if (userns.path) return { recursive, usernsPath: userns.path };
  // A new user namespace: build.ts has already checked that its maps exist.
  return { recursive, uidMap: idMapText(userns.uidMappings ?? []), gidMap: idMapText(userns.gidMappings ?? []) };
}
