#!/usr/bin/env node
// Entry point of the tsrun executable.
import { main } from './main.js';

void main(process.argv.slice(2));
