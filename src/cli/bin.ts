#!/usr/bin/env node
// Entry point of the tsrun executable.
import { HELPER_COMMAND } from '../cgroups/systemd/helper-protocol.js';
import { main } from './main.js';

// `tsrun __systemd-dbus`: tsrun's own D-Bus helper process (src/cgroups/systemd/call.ts)
if (process.argv[2] === HELPER_COMMAND) void import('../cgroups/systemd/helper.js').then((m) => m.helperMain());
else void main(process.argv.slice(2));
