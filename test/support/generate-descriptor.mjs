/**
 * Generates `src/wire/dialogflow-descriptor.json`: a protobufjs JSON descriptor of exactly the
 * messages this library reads or writes as protobuf (ConversationEvent, Conversation, and every
 * message and enum they reference, plus google.rpc's standard error details, which a
 * google.rpc.Status may carry in its `details`), from the .proto files that ship in
 * `@google-cloud/dialogflow` (a dev dependency) and the google/api, google/rpc and google/protobuf
 * files that ship in `google-gax`, its dependency. Options and comments are left out: decoding needs
 * neither. Field names are the proto names (`lifecycle_state`), everywhere.
 *
 * Run with `npm run generate:descriptor`. `test/descriptor.test.ts` checks that the committed file is
 * what this script generates, so an upgrade of `@google-cloud/dialogflow` that changes a message
 * shows up as a failing test.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const protobuf = require('protobufjs');

/** Where the committed descriptor lives. */
export const DESCRIPTOR_PATH = fileURLToPath(new URL('../../src/wire/dialogflow-descriptor.json', import.meta.url));

/** The messages whose closure the descriptor holds. */
export const ROOTS = [
  'google.cloud.dialogflow.v2.Conversation',
  // Notifications: the v2beta1 messages are a superset of v2's (response messages, DTMF digits, ...);
  // the few fields only v2 has are merged in (see `SUPERSETS`), so one decode serves both versions.
  'google.cloud.dialogflow.v2beta1.ConversationEvent',
  'google.cloud.dialogflow.v2beta1.HumanAgentAssistantEvent',
  'google.rpc.ErrorInfo',
  'google.rpc.RetryInfo',
  'google.rpc.DebugInfo',
  'google.rpc.QuotaFailure',
  'google.rpc.PreconditionFailure',
  'google.rpc.BadRequest',
  'google.rpc.RequestInfo',
  'google.rpc.ResourceInfo',
  'google.rpc.Help',
  'google.rpc.LocalizedMessage',
];

const FILES = [
  'google/cloud/dialogflow/v2/conversation_event.proto',
  'google/cloud/dialogflow/v2/human_agent_assistant_event.proto',
  'google/cloud/dialogflow/v2beta1/conversation_event.proto',
  'google/cloud/dialogflow/v2beta1/human_agent_assistant_event.proto',
  'google/cloud/dialogflow/v2/conversation.proto',
  'google/rpc/error_details.proto',
];

/** `nullValue` → `null_value`: protobufjs's built-in google.protobuf types use JSON names. */
const protoName = (name) => name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/** A package's folder, found from its entry point (some packages do not export `package.json`). */
const packageDir = (name, from = require) => {
  let dir = path.dirname(from.resolve(name));
  while (path.basename(dir) !== name.split('/').pop()) dir = path.dirname(dir);
  return dir;
};

const loadRoot = () => {
  const dialogflow = path.join(packageDir('@google-cloud/dialogflow'), 'build', 'protos');
  const gax = path.join(packageDir('google-gax', createRequire(require.resolve('@google-cloud/dialogflow'))), 'build', 'protos');
  const root = new protobuf.Root();
  root.resolvePath = (origin, target) => {
    for (const base of [dialogflow, gax]) {
      const candidate = path.join(base, target);
      if (existsSync(candidate)) return candidate;
    }
    return protobuf.util.path.resolve(origin, target);
  };
  root.loadSync(FILES, { keepCase: true });
  root.resolveAll();
  return root;
};

/** Every type and enum reachable from the roots, by full name without the leading dot. */
const closure = (root) => {
  const seen = new Map();
  const stack = ROOTS.map((name) => root.lookup(name));
  while (stack.length > 0) {
    const type = stack.pop();
    const name = type.fullName.slice(1);
    if (seen.has(name)) continue;
    seen.set(name, type);
    if (type instanceof protobuf.Type) for (const field of type.fieldsArray) if (field.resolvedType) stack.push(field.resolvedType);
  }
  return seen;
};

/**
 * The v2 notification messages whose v2beta1 counterparts are extended with the fields v2 has and
 * v2beta1 lacks (same number, no clash: checked here), so that v2 bytes decode with v2beta1 types
 * without losing anything.
 */
const SUPERSETS = ['google.cloud.dialogflow.v2.ConversationEvent', 'google.cloud.dialogflow.v2.HumanAgentAssistantEvent'];

const BETA = '.google.cloud.dialogflow.v2beta1.';
const V2 = '.google.cloud.dialogflow.v2.';

/** For each v2beta1 message, the v2 fields it lacks, by the v2beta1 type's full name. */
const missingFields = (root) => {
  const extra = new Map();
  const seen = new Set();
  const walk = (v2) => {
    if (seen.has(v2.fullName) || !(v2 instanceof protobuf.Type) || !v2.fullName.startsWith(V2)) return;
    seen.add(v2.fullName);
    const beta = root.lookup(`${BETA}${v2.fullName.slice(V2.length)}`);
    if (!(beta instanceof protobuf.Type)) throw new Error(`${v2.fullName} has no v2beta1 counterpart`);
    for (const field of v2.fieldsArray) {
      const theirs = beta.fieldsById[field.id];
      if (theirs === undefined) {
        if (field.resolvedType) throw new Error(`${v2.fullName}.${field.name}: a v2-only field of a message type is not merged`);
        extra.set(beta.fullName.slice(1), [...(extra.get(beta.fullName.slice(1)) ?? []), field]);
      } else if (
        theirs.name !== field.name ||
        theirs.type.split('.').pop() !== field.type.split('.').pop() ||
        theirs.repeated !== field.repeated
      ) {
        throw new Error(`${v2.fullName}.${field.name} (#${field.id}) clashes with v2beta1's ${theirs.name}`);
      }
      if (field.resolvedType) walk(field.resolvedType);
    }
  };
  for (const name of SUPERSETS) walk(root.lookup(name));
  return extra;
};

const fieldJson = (field, rename) => {
  const out = {};
  if (field.rule === 'repeated') out.rule = 'repeated';
  if (field.map) out.keyType = field.keyType;
  // Full names, so the descriptor does not depend on protobufjs's scoping rules.
  out.type = field.resolvedType ? field.resolvedType.fullName.slice(1) : field.type;
  out.id = field.id;
  if (field.options?.proto3_optional) out.options = { proto3_optional: true };
  return [rename(field.name), out];
};

const typeJson = (type, extra = []) => {
  if (type instanceof protobuf.Enum) return { values: { ...type.values } };
  const rename = type.fullName.startsWith('.google.protobuf.') ? protoName : (n) => n;
  const out = {};
  const oneofs = type.oneofsArray.filter((o) => o.fieldsArray.length > 0);
  if (oneofs.length > 0) out.oneofs = Object.fromEntries(oneofs.map((o) => [o.name, { oneof: o.fieldsArray.map((f) => rename(f.name)) }]));
  out.fields = Object.fromEntries([...type.fieldsArray, ...extra].map((f) => fieldJson(f, rename)));
  return out;
};

/** Builds the descriptor: nested namespaces, types sorted by full name so the output is stable. */
export const generateDescriptor = () => {
  const root = loadRoot();
  const types = closure(root);
  const extra = missingFields(root);
  const descriptor = { nested: {} };
  for (const name of [...types.keys()].sort()) {
    const type = types.get(name);
    // Walk the parents (packages and enclosing messages) so nested types sit where protobufjs expects
    // them. Sorting puts a message before the types nested in it.
    const chain = [];
    for (let at = type; at && at !== root; at = at.parent) chain.unshift(at);
    let node = descriptor;
    for (const step of chain.slice(0, -1)) {
      node.nested ??= {};
      // An enclosing message outside the closure is only a scope here: a namespace without fields.
      node.nested[step.name] ??= {};
      node = node.nested[step.name];
    }
    node.nested ??= {};
    node.nested[type.name] = {
      ...typeJson(type, extra.get(name)),
      ...(node.nested[type.name]?.nested ? { nested: node.nested[type.name].nested } : {}),
    };
  }
  return descriptor;
};

/** The descriptor as the committed text. */
export const descriptorText = () => `${JSON.stringify(generateDescriptor(), null, 1)}\n`;

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  writeFileSync(DESCRIPTOR_PATH, descriptorText());
  console.log(`wrote ${path.relative(process.cwd(), DESCRIPTOR_PATH)}`);
}
