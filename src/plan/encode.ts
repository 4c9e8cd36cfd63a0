// Plan -> the length-prefixed records tsrun-init decodes (plan.cc).
import { PLAN_VERSION, Tag } from './protocol.js';
import type { Plan, PlanMount, PlanDevice, PlanRlimit } from './types.js';

class RecordWriter {
  private chunks: Uint8Array[] = [];
  private size = 0;

  private push(tag: number, payload: Uint8Array): void {
    const header = new Uint8Array(8);
    const view = new DataView(header.buffer);
    view.setUint32(0, tag, true);
    view.setUint32(4, payload.length, true);
    this.chunks.push(header, payload);
    this.size += 8 + payload.length;
  }

  u64(tag: number, value: number | bigint | boolean): this {
    const b = new Uint8Array(8);
    const v = typeof value === 'boolean' ? (value ? 1n : 0n) : BigInt(value);
    new DataView(b.buffer).setBigUint64(0, BigInt.asUintN(64, v), true);
    this.push(tag, b);
    return this;
  }

  str(tag: number, value: string): this {
    if (value.includes('\0')) throw new Error(`plan: string contains a NUL byte: ${JSON.stringify(value)}`);
    this.push(tag, new TextEncoder().encode(value));
    return this;
  }

  bytes(tag: number, value: Uint8Array): this {
    this.push(tag, value);
    return this;
  }

  nested(tag: number, fill: (w: RecordWriter) => void): this {
    const inner = new RecordWriter();
    fill(inner);
    this.push(tag, inner.finish());
    return this;
  }

  finish(): Uint8Array {
    const out = new Uint8Array(this.size);
    let off = 0;
    for (const c of this.chunks) {
      out.set(c, off);
      off += c.length;
    }
    return out;
  }
}

function writeMount(w: RecordWriter, m: PlanMount): void {
  w.str(Tag.MountSource, m.source)
    .str(Tag.MountDest, m.destination)
    .str(Tag.MountType, m.type)
    .u64(Tag.MountFlags, m.flags)
    .u64(Tag.MountPropagation, m.propagation)
    .u64(Tag.MountAttrSet, m.attrSet)
    .u64(Tag.MountAttrClr, m.attrClr)
    .u64(Tag.MountRecursiveAttr, m.recursiveAttr);
  if (m.data) w.str(Tag.MountData, m.data);
  if (m.copyUp) w.u64(Tag.MountCopyUp, true);
  if (m.idmap) {
    w.u64(Tag.MountIdmap, m.idmap.recursive ? 2 : 1);
    if (m.idmap.uidMap !== undefined) w.str(Tag.MountIdmapUidMap, m.idmap.uidMap);
    if (m.idmap.gidMap !== undefined) w.str(Tag.MountIdmapGidMap, m.idmap.gidMap);
    if (m.idmap.usernsPath !== undefined) w.str(Tag.MountIdmapUserns, m.idmap.usernsPath);
  }
}

function makedev(major: number, minor: number): bigint {
  // glibc's gnu_dev_makedev encoding.
  const ma = BigInt(major);
  const mi = BigInt(minor);
  return ((ma & 0xfffn) << 8n) | ((ma & ~0xfffn) << 32n) | (mi & 0xffn) | ((mi & ~0xffn) << 12n);
}

function writeDevice(w: RecordWriter, d: PlanDevice): void {
  w.str(Tag.DevPath, d.path)
    .u64(Tag.DevMode, d.mode)
    .u64(Tag.DevRdev, makedev(d.major, d.minor))
    .u64(Tag.DevUid, d.uid)
    .u64(Tag.DevGid, d.gid);
}

function writeRlimit(w: RecordWriter, r: PlanRlimit): void {
  w.u64(Tag.RlimitType, r.resource).u64(Tag.RlimitSoft, r.soft).u64(Tag.RlimitHard, r.hard);
}

export function encodePlan(plan: Plan): Uint8Array {
  const w = new RecordWriter();
  w.u64(Tag.Version, PLAN_VERSION).u64(Tag.Mode, plan.mode === 'create' ? 0 : 1);
  w.u64(Tag.NsNew, plan.newNamespaces);
  for (const j of plan.joinNamespaces) w.nested(Tag.NsJoin, (n) => n.u64(Tag.NsType, j.flag).str(Tag.Path, j.path));
  w.u64(Tag.UidMapNeeded, plan.uidMapNeeded);
  w.str(Tag.Rootfs, plan.rootfs)
    .u64(Tag.RootReadonly, plan.rootReadonly)
    .u64(Tag.HostPropagation, plan.hostPropagation)
    .u64(Tag.RootPropagation, plan.rootPropagation)
    .u64(Tag.NoPivot, plan.noPivot);
  if (plan.hostMountNs) w.u64(Tag.HostMountNs, true);
  for (const m of plan.mounts) w.nested(Tag.Mount, (n) => writeMount(n, m));
  for (const d of plan.devices) w.nested(Tag.Device, (n) => writeDevice(n, d));
  for (const l of plan.symlinks) w.nested(Tag.Symlink, (n) => n.str(Tag.Path, l.path).str(Tag.LinkTarget, l.target));
  for (const p of plan.maskedPaths) w.str(Tag.MaskedPath, p);
  for (const p of plan.readonlyPaths) w.str(Tag.ReadonlyPath, p);
  if (plan.hostname !== undefined) w.str(Tag.Hostname, plan.hostname);
  if (plan.domainname !== undefined) w.str(Tag.Domainname, plan.domainname);
  for (const s of plan.sysctls) w.nested(Tag.Sysctl, (n) => n.str(Tag.Path, s.key).str(Tag.Value, s.value));
  for (const a of plan.args) w.str(Tag.Arg, a);
  for (const e of plan.env) w.str(Tag.Env, e);
  w.str(Tag.Cwd, plan.cwd).u64(Tag.Uid, plan.uid).u64(Tag.Gid, plan.gid);
  for (const g of plan.additionalGids) w.u64(Tag.AdditionalGid, g);
  if (plan.umask !== undefined) w.u64(Tag.Umask, plan.umask);
  w.u64(Tag.NoNewPrivs, plan.noNewPrivileges);
  if (plan.capabilities) {
    const c = plan.capabilities;
    w.u64(Tag.CapsPresent, true)
      .u64(Tag.CapBounding, c.bounding)
      .u64(Tag.CapEffective, c.effective)
      .u64(Tag.CapPermitted, c.permitted)
      .u64(Tag.CapInheritable, c.inheritable)
      .u64(Tag.CapAmbient, c.ambient);
  }
  for (const r of plan.rlimits) w.nested(Tag.Rlimit, (n) => writeRlimit(n, r));
  if (plan.oomScoreAdj !== undefined) w.u64(Tag.OomScoreAdj, BigInt(plan.oomScoreAdj));
  w.u64(Tag.PreserveFds, plan.preserveFds);
  if (plan.seccompBpf) w.bytes(Tag.SeccompBpf, plan.seccompBpf);
  if (plan.seccompBpf && plan.seccompFlags) w.u64(Tag.SeccompFlags, plan.seccompFlags);
  w.u64(Tag.Terminal, plan.terminal).u64(Tag.NewKeyring, plan.newKeyring);
  if (plan.consoleSize) w.u64(Tag.ConsoleRows, plan.consoleSize.height).u64(Tag.ConsoleCols, plan.consoleSize.width);
  w.str(Tag.ExecFifoName, plan.execFifoName);
  if (plan.mode === 'join') {
    if (plan.joinRoot !== undefined) w.str(Tag.JoinRoot, plan.joinRoot);
    if (plan.joinProcess) w.u64(Tag.JoinProcess, true);
    else if (plan.execPath !== undefined) w.str(Tag.ExecPath, plan.execPath);
    else w.u64(Tag.ExecFromFd, true);
  }
  if (plan.setsid !== undefined) w.u64(Tag.Setsid, plan.setsid);
  if (plan.hookPause) w.u64(Tag.HookPause, true);
  if (plan.loopbackUp) w.u64(Tag.LoopbackUp, true);
  if (plan.netDevices?.length) w.u64(Tag.NetDevicesPause, true);
  if (plan.personality !== undefined) w.u64(Tag.Personality, plan.personality);
  if (plan.ioPriority !== undefined) w.u64(Tag.IoPriority, plan.ioPriority);
  if (plan.scheduler) {
    const s = plan.scheduler;
    w.u64(Tag.SchedPolicy, s.policy)
      .u64(Tag.SchedFlags, s.flags)
      .u64(Tag.SchedNice, BigInt(s.nice))
      .u64(Tag.SchedPriority, s.priority)
      .u64(Tag.SchedRuntime, s.runtime)
      .u64(Tag.SchedDeadline, s.deadline)
      .u64(Tag.SchedPeriod, s.period);
  }
  if (plan.cpuAffinityInitial) w.bytes(Tag.CpuAffinityInitial, plan.cpuAffinityInitial);
  if (plan.cpuAffinityFinal) w.bytes(Tag.CpuAffinityFinal, plan.cpuAffinityFinal);
  if (plan.memoryPolicy) w.u64(Tag.MemPolicyMode, plan.memoryPolicy.mode).bytes(Tag.MemPolicyNodes, plan.memoryPolicy.nodes);
  if (plan.timeOffsets) w.str(Tag.TimeOffsets, plan.timeOffsets);
  return w.finish();
}
