// Rootless operation: the runtime run by an unprivileged user, with the
// config `spec --rootless` writes (runc's rootless.md; config-linux.md User
// namespace mappings). Every runtime command here runs as the user
// `tsrun-rootless` through setpriv (see lib/rootless.ts); only the checks
// of the host look as root.
import * as fs from 'node:fs';
import * as path from 'node:path';
import t from 'tap';
import { Harness, type Config, cgroupMountPoints, diag, isRunc, pidAlive, randomSuffix, runcDeviation, waitFor } from './lib/harness.js';
import { RootlessEnv, rootlessUser } from './lib/rootless.js';
import { Agent } from './lib/seccomp-agent.js';

const h = new Harness(t, 'rootless');
const user = rootlessUser();
const skip = typeof user === 'string' ? user : false;
const env = typeof user === 'string' ? undefined : new RootlessEnv(h, user);
const U = env!;

const longRunning = (c: Config) => (c.process.args = ['sleep', '1000']);

t.test('spec --rootless: a config for the calling user (runc rootless.md)', { skip }, async (t) => {
  const b = await U.bundle(t);
  if (!b) return;
  const c = b.config;
  const types = (c.linux.namespaces as { type: string }[]).map((n) => n.type);
  t.ok(types.includes('user'), 'a user namespace');
  t.notOk(types.includes('network'), 'no network namespace of its own (an unprivileged user could not connect one)');
  t.strictSame(c.linux.uidMappings, [{ containerID: 0, hostID: U.user.uid, size: 1 }], "uid 0 inside is the caller's uid");
  t.strictSame(c.linux.gidMappings, [{ containerID: 0, hostID: U.user.gid, size: 1 }], "gid 0 inside is the caller's gid");
  t.equal(c.linux.resources, undefined, 'no cgroup limits');
  const sys = (c.mounts as { destination: string; type: string; source: string; options: string[] }[]).find((m) => m.destination === '/sys');
  t.equal(sys?.source, '/sys', '/sys is bound from the host (a new sysfs needs a network namespace of its own)');
  t.ok(sys?.options.includes('rbind') && sys.options.includes('ro'), '/sys is "rbind,ro"');
  const pts = (c.mounts as { destination: string; options?: string[] }[]).find((m) => m.destination === '/dev/pts');
  t.notOk(pts?.options?.includes('gid=5'), '/dev/pts without gid=5 (unmapped)');
  t.equal(fs.statSync(b.configPath).uid, U.user.uid, 'config.json belongs to the user');
});

t.test('create, state, start, exec, list, kill, delete as an unprivileged user, state under $XDG_RUNTIME_DIR', { skip }, async (t) => {
  const id = `rl-${randomSuffix(5)}`;
  U.cleanupAt(t, id);
  const b = await U.bundle(t, longRunning);
  if (!b) return;
  const created = await U.rt(['create', '--bundle', b.dir, id]);
  t.equal(created.code, 0, 'create as the user succeeds', diag(created));
  const s1 = (await U.state(id)).state;
  t.equal(s1?.status, 'created', 'state: created');
  const pid = s1?.pid ?? 0;
  t.ok(pidAlive(pid), 'the container process is alive');

  const root = U.defaultRoot;
  t.ok(fs.existsSync(path.join(root, id)), `its state lives in the default root for the user, ${path.relative(U.home, root)}`);
  const st = fs.statSync(root);
  t.equal(st.uid, U.user.uid, 'the state root belongs to the user');
  t.equal(st.mode & 0o777, 0o700, 'the state root is private (0700)');
  t.ok(st.mode & 0o1000, 'with the sticky bit, which keeps XDG_RUNTIME_DIR cleaners away (runc does the same)');
  t.notOk(fs.existsSync(path.join(h.root, id)), 'nothing in the harness root (the user never saw it)');

  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  t.match(status, new RegExp(`^Uid:\\s+${U.user.uid}\\s+${U.user.uid}\\s`, 'm'), "on the host the container process runs as the user's uid");

  const started = await U.rt(['start', id]);
  t.equal(started.code, 0, 'start succeeds', diag(started));
  t.equal((await U.state(id)).state?.status, 'running', 'state: running');

  const ex = await U.rt(['exec', id, 'sh', '-c', 'id -u; id -g; cat /proc/self/uid_map; echo x > /dev/null && echo devnull-ok']);
  t.equal(ex.code, 0, 'exec succeeds', diag(ex));
  const lines = ex.stdout.trim().split('\n');
  t.equal(lines[0], '0', 'uid 0 inside');
  t.equal(lines[1], '0', 'gid 0 inside');
  t.match(lines[2] ?? '', new RegExp(`^\\s*0\\s+${U.user.uid}\\s+1$`), "uid_map: 0 is the user's uid, nothing else is mapped");
  t.equal(lines[3], 'devnull-ok', '/dev/null works (a bind of the host node: no mknod in a user namespace)');

  const list = await U.rt(['list']);
  t.equal(list.code, 0, 'list succeeds', diag(list));
  t.match(list.stdout, new RegExp(`^${id}\\s+${pid}\\s+running\\s`, 'm'), 'list shows it under the user root');
  t.match(list.stdout, new RegExp(`${U.user.name}\\s*$`, 'm'), 'with the user as owner');

  const killed = await U.rt(['kill', id, 'KILL']);
  t.equal(killed.code, 0, 'kill succeeds', diag(killed));
  t.ok(await waitFor(async () => (await U.state(id)).state?.status === 'stopped', 5000), 'state: stopped');
  const del = await U.rt(['delete', id]);
  t.equal(del.code, 0, 'delete succeeds', diag(del));
  t.notOk(fs.existsSync(path.join(root, id)), 'the state dir is gone');
  t.notOk(pidAlive(pid), 'the process is gone');
  const after = await U.state(id);
  t.not(after.res.code, 0, 'state fails afterwards');
});

t.test('run in the foreground as the user: output, exit status, nothing left', { skip }, async (t) => {
  const id = `rl-${randomSuffix(5)}`;
  U.cleanupAt(t, id);
  // A device of the config: mknod is refused in a user namespace, so the host's node is bound instead.
  const fuse = fs.existsSync('/dev/fuse');
  const b = await U.bundle(t, (c) => {
    c.process.args = ['sh', '-c', `id -u; cat /proc/self/gid_map; ${fuse ? 'ls -l /dev/fuse; ' : ''}exit 3`];
    if (fuse) c.linux.devices = [{ path: '/dev/fuse', type: 'c', major: 10, minor: 229, fileMode: 0o666 }];
  });
  if (!b) return;
  const r = await U.rt(['run', '--bundle', b.dir, id]);
  t.equal(r.code, 3, "run exits with the container's status", diag(r));
  t.match(r.stdout, new RegExp(`^0\\n\\s*0\\s+${U.user.gid}\\s+1\\n`), 'uid 0 inside, gid 0 is the user gid');
  if (fuse) t.match(r.stdout, /^c.*\b10,\s+229\b.*\/dev\/fuse$/m, 'a device of the config is there (bound from the host)', diag(r));
  t.notOk(fs.existsSync(path.join(U.defaultRoot, id)), 'run deleted the container: no state left');
});

t.test('seccomp NOTIFY as the user: the listener fd reaches listenerPath and the agent answers (config-linux.md Seccomp: listenerPath)', { skip, ...runcDeviation('runc 1.1.5 run as the user hands the fd over, then never returns') }, async (t) => {
  const agent = await Agent.start(t, h.hostDir('agent'), 0);
  fs.chmodSync(agent.socketPath, 0o666); // the user's runtime connects to it
  const id = `rl-${randomSuffix(5)}`;
  U.cleanupAt(t, id);
  const b = await U.bundle(t, (c) => {
    c.process.args = ['sh', '-c', 'mkdir /notified && echo made; test -d /notified || echo absent'];
    c.linux.seccomp = { defaultAction: 'SCMP_ACT_ALLOW', listenerPath: agent.socketPath, syscalls: [{ names: ['mkdir', 'mkdirat'], action: 'SCMP_ACT_NOTIFY' }] };
  });
  if (!b) return;
  const r = await U.rt(['run', '--bundle', b.dir, id]);
  t.equal(r.code, 0, 'run succeeds', diag(r));
  t.strictSame(r.stdout.split('\n').filter(Boolean), ['made', 'absent'], 'mkdir "succeeded" by the agent\'s answer, without being made');
  const state = await agent.nthState(0);
  t.equal(state?.message?.state?.id, id, 'the agent got the container process state');
  t.match(state?.links?.[0] ?? '', /seccomp notify/, 'with the listener fd');
});

t.test('--root wins over $XDG_RUNTIME_DIR', { skip }, async (t) => {
  const id = `rl-${randomSuffix(5)}`;
  const root = path.join(U.home, 'explicit-root');
  t.teardown(async () => {
    await U.rt(['--root', root, 'delete', '--force', id]);
  });
  const b = await U.bundle(t, longRunning);
  if (!b) return;
  const r = await U.rt(['--root', root, 'create', '--bundle', b.dir, id]);
  t.equal(r.code, 0, 'create with --root', diag(r));
  t.ok(fs.existsSync(path.join(root, id)), 'state under --root');
  t.notOk(fs.existsSync(path.join(U.defaultRoot, id)), 'not under $XDG_RUNTIME_DIR');
  const s = await U.rt(['--root', root, 'state', id]);
  if (s.code === 0) h.notePid(JSON.parse(s.stdout).pid);
  const del = await U.rt(['--root', root, 'delete', '--force', id]);
  t.equal(del.code, 0, 'delete --force with --root', diag(del));
  t.notOk(fs.existsSync(path.join(root, id)), 'state dir gone');
});

t.test('without XDG_RUNTIME_DIR the default root is the system one, which the user may not write: a clear error, nothing left', { skip }, async (t) => {
  const id = `rl-${randomSuffix(5)}`;
  const b = await U.bundle(t, longRunning);
  if (!b) return;
  const r = await U.rt(['create', '--bundle', b.dir, id], { envExtra: { XDG_RUNTIME_DIR: undefined } });
  t.not(r.code, 0, 'create fails', diag(r));
  t.match(r.stderr, isRunc() ? /\/run\/runc.*permission denied/ : /\/run\/tsrun.*permission denied/i, 'the error names the root and the permission problem', diag(r));
  t.notOk(fs.existsSync(path.join(isRunc() ? '/run/runc' : '/run/tsrun', id)), 'no state dir');
});

t.test('no resources in the config: no cgroup is created, the container runs', { skip }, async (t) => {
  const id = `rl-${randomSuffix(5)}`;
  U.cleanupAt(t, id);
  // Without linux.cgroupsPath the container's cgroup would be /<id>. (runc
  // 1.1.5 refuses an explicit cgroupsPath it cannot create; tsrun skips it
  // like the default one.)
  const cgroupsPath = `/${id}`;
  const b = await U.bundle(t, (c) => {
    c.process.args = ['true'];
  });
  if (!b) return;
  const r = await U.rt(['run', '--bundle', b.dir, id]);
  t.equal(r.code, 0, 'run succeeds', diag(r));
  const made = cgroupMountPoints().filter((mp) => fs.existsSync(path.join(mp, cgroupsPath)));
  t.strictSame(made, [], 'no cgroup of the container on the host');
  await U.rt(['delete', id]);
});

t.test('limits that cannot be applied rootless: a clear error naming the limit, nothing left', { skip }, async (t) => {
  const id = `rl-${randomSuffix(5)}`;
  U.cleanupAt(t, id);
  const b = await U.bundle(t, (c) => {
    longRunning(c);
    c.linux.resources = { memory: { limit: 64 * 1024 * 1024 } };
  });
  if (!b) return;
  const r = await U.rt(['create', '--bundle', b.dir, id]);
  t.not(r.code, 0, 'create fails', diag(r));
  // runc: "cannot set memory limit: container could not join or create cgroup"
  t.match(r.stderr, /memory/, 'the error names the memory limit', diag(r));
  if (!isRunc()) t.match(r.stderr, /\/linux\/resources\/memory\/limit/, 'tsrun names the field', diag(r));
  const s = await U.state(id);
  t.not(s.res.code, 0, 'the container does not exist');
  t.notOk(fs.existsSync(path.join(U.defaultRoot, id)), 'no state dir');
});

t.test('ps, pause and events of a rootless container without cgroups: clear errors, the container is unharmed', { skip }, async (t) => {
  const id = `rl-${randomSuffix(5)}`;
  U.cleanupAt(t, id);
  const b = await U.bundle(t, longRunning);
  if (!b) return;
  const r = await U.rt(['run', '--detach', '--bundle', b.dir, id]);
  t.equal(r.code, 0, 'run --detach succeeds', diag(r));
  const ps = await U.rt(['ps', id]);
  t.not(ps.code, 0, 'ps fails (no cgroup to list)', diag(ps));
  t.match(ps.stderr, isRunc() ? /container pids/ : /no cgroups.*rootless/, 'and says why', diag(ps));
  const pause = await U.rt(['pause', id]);
  t.not(pause.code, 0, 'pause fails (no freezer)', diag(pause));
  t.match(pause.stderr, isRunc() ? /cgroups not configured/ : /cannot pause.*no cgroups/, 'and says why', diag(pause));
  // runc 1.1.5 prints an all-zero stats event instead.
  if (!isRunc()) {
    const ev = await U.rt(['events', '--stats', id]);
    t.not(ev.code, 0, 'events --stats fails (no cgroup to read)', diag(ev));
    t.match(ev.stderr, /no cgroups/, 'and says why', diag(ev));
  }
  const up = await U.rt(['update', '--pids-limit', '10', id]);
  t.not(up.code, 0, 'update of a limit fails (no cgroup to write)', diag(up));
  t.match(up.stderr, /pids/, 'and names the limit', diag(up));
  t.equal((await U.state(id)).state?.status, 'running', 'the container is still running');
  const del = await U.rt(['delete', '--force', id]);
  t.equal(del.code, 0, 'delete --force', diag(del));
});

// runc 1.1.5 fails here ("lstat : no such file or directory"): it lists
// the processes to signal from the cgroup only.
t.test('kill --all without cgroups signals the container\'s first process (with it the pid namespace goes)', { skip, ...runcDeviation('runc 1.1.5 cannot kill --all without a cgroup') }, async (t) => {
  const id = `rl-${randomSuffix(5)}`;
  U.cleanupAt(t, id);
  const b = await U.bundle(t, longRunning);
  if (!b) return;
  const r = await U.rt(['run', '--detach', '--bundle', b.dir, id]);
  t.equal(r.code, 0, 'run --detach succeeds', diag(r));
  const k = await U.rt(['kill', '--all', id, 'KILL']);
  t.equal(k.code, 0, 'kill --all succeeds', diag(k));
  t.ok(await waitFor(async () => (await U.state(id)).state?.status === 'stopped', 5000), 'the container stops');
  const del = await U.rt(['delete', id]);
  t.equal(del.code, 0, 'delete', diag(del));
});

// A cgroup the administrator handed to the user (chown) is one rootless
// tsrun can use: it puts the container there and applies the limits that
// hierarchy takes, and skips the hierarchies it cannot write.
const pidsHierarchy = cgroupMountPoints().find((mp) => mp.endsWith('/pids'));
t.test('a delegated cgroup: the container joins it and gets its limit; the others are skipped', {
  skip: skip || (!pidsHierarchy && 'no cgroup v1 pids hierarchy') || (isRunc() && 'runc 1.1.5 refuses an explicit cgroupsPath when it cannot create it in every hierarchy'),
}, async (t) => {
  const id = `rl-${randomSuffix(5)}`;
  U.cleanupAt(t, id);
  const delegated = `tsrun-rootless-deleg-${randomSuffix(5)}`;
  const dir = path.join(pidsHierarchy!, delegated);
  fs.mkdirSync(dir);
  for (const f of ['', 'cgroup.procs', 'tasks', 'pids.max']) fs.chownSync(path.join(dir, f), U.user.uid, U.user.gid);
  t.teardown(() => {
    for (const d of [path.join(dir, 'c'), dir]) {
      try {
        fs.rmdirSync(d);
      } catch {
        // absent
      }
    }
  });
  const b = await U.bundle(t, (c) => {
    longRunning(c);
    c.linux.cgroupsPath = `/${delegated}/c`;
    c.linux.resources = { pids: { limit: 42 } };
  });
  if (!b) return;
  const r = await U.rt(['create', '--bundle', b.dir, id]);
  t.equal(r.code, 0, 'create succeeds', diag(r));
  const pid = (await U.state(id)).state?.pid ?? 0;
  t.equal(fs.readFileSync(path.join(dir, 'c', 'pids.max'), 'utf8').trim(), '42', 'the pids limit is set in the delegated cgroup');
  const procCgroup = fs.readFileSync(`/proc/${pid}/cgroup`, 'utf8');
  t.match(procCgroup, new RegExp(`:pids:/${delegated}/c$`, 'm'), 'the container process is in it');
  const ps = await U.rt(['ps', '--format', 'json', id]);
  t.equal(ps.code, 0, 'ps works with a cgroup', diag(ps));
  t.match(ps.stdout, new RegExp(`\\b${pid}\\b`), 'and lists the process', diag(ps));
  const del = await U.rt(['delete', '--force', id]);
  t.equal(del.code, 0, 'delete --force', diag(del));
  t.notOk(fs.existsSync(path.join(dir, 'c')), 'the container cgroup is removed');
});

t.test('multi-range id maps through newuidmap/newgidmap and /etc/subuid (config-linux.md User namespace mappings)', { skip: skip || (!U.user.subuid || !U.user.subgid ? 'the test user has no /etc/subuid or /etc/subgid range' : false) || (!fs.existsSync('/usr/bin/newuidmap') && 'newuidmap (package uidmap) is not installed') }, async (t) => {
  const id = `rl-${randomSuffix(5)}`;
  U.cleanupAt(t, id);
  const sub = U.user.subuid!;
  const subg = U.user.subgid!;
  const b = await U.bundle(t, (c) => {
    c.linux.uidMappings = [{ containerID: 0, hostID: U.user.uid, size: 1 }, { containerID: 1, hostID: sub.start, size: 1000 }];
    c.linux.gidMappings = [{ containerID: 0, hostID: U.user.gid, size: 1 }, { containerID: 1, hostID: subg.start, size: 1000 }];
    c.process.args = ['sh', '-c', 'cat /proc/self/uid_map /proc/self/gid_map /proc/self/setgroups; touch /dev/shm/f && chown 7:8 /dev/shm/f && stat -c %u:%g /dev/shm/f'];
    c.process.capabilities = { bounding: ['CAP_CHOWN'], effective: ['CAP_CHOWN'], permitted: ['CAP_CHOWN'] };
  });
  if (!b) return;
  const r = await U.rt(['run', '--bundle', b.dir, id]);
  t.equal(r.code, 0, 'run succeeds', diag(r));
  const out = r.stdout.split('\n').map((l) => l.trim().split(/\s+/).join(' '));
  t.ok(out.includes(`0 ${U.user.uid} 1`) && out.includes(`1 ${sub.start} 1000`), 'uid_map has both ranges', { out });
  t.ok(out.includes(`0 ${U.user.gid} 1`) && out.includes(`1 ${subg.start} 1000`), 'gid_map has both ranges', { out });
  t.ok(out.includes('allow'), 'setgroups stays allowed (newgidmap wrote the map)', { out });
  t.ok(out.includes('7:8'), 'ids from the subordinate ranges are usable inside', { out });
  await U.rt(['delete', id]);
});

t.test('a uid map beyond the caller\'s own uid without a subordinate range: a clear error, nothing left', { skip }, async (t) => {
  const id = `rl-${randomSuffix(5)}`;
  U.cleanupAt(t, id);
  const b = await U.bundle(t, (c) => {
    longRunning(c);
    // uid 0 of the host is never the user's to map.
    c.linux.uidMappings = [{ containerID: 0, hostID: U.user.uid, size: 1 }, { containerID: 1, hostID: 0, size: 1 }];
  });
  if (!b) return;
  const r = await U.rt(['create', '--bundle', b.dir, id]);
  t.not(r.code, 0, 'create fails', diag(r));
  t.match(r.stderr, /uid_?map/, 'the error names the uid map', diag(r));
  t.not((await U.state(id)).res.code, 0, 'the container does not exist');
  t.notOk(fs.existsSync(path.join(U.defaultRoot, id)), 'no state dir');
});

t.test('the user root is empty at the end (every container deleted)', { skip }, async (t) => {
  let entries: string[] = [];
  try {
    entries = fs.readdirSync(U.defaultRoot);
  } catch {
    // never created
  }
  t.strictSame(entries, [], 'no state entries left under $XDG_RUNTIME_DIR');
});

h.done();
