#!/usr/bin/env node
// The `scribe` command on Node: tsx runs the TypeScript sources directly (no build step).
import { register } from 'tsx/esm/api';

register();
const { main } = await import('./main.ts');
process.exitCode = await main(process.argv.slice(2));
