import type { Command } from '../command.js';
import { diagram } from './diagram.js';
import { emulate } from './emulate.js';
import { inspect } from './inspect.js';
import { replay } from './replay.js';
import { serve } from './serve.js';
import { validate } from './validate.js';

/**
 * Every command of the command line, in the order `--help` lists them. A new command is one
 * module in this folder and one entry here.
 */
export const commands: ReadonlyArray<Command> = [validate, replay, diagram, inspect, emulate, serve];
