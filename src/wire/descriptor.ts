import protobuf from 'protobufjs/light.js';
import descriptor from './dialogflow-descriptor.json' with { type: 'json' };
import { describe } from './issue.js';
import { type ProtoEnum, protoEnum } from './proto-enum.js';

/**
 * The protobuf types this library reads and writes as binary protobuf or as Google's message
 * objects: `dialogflow-descriptor.json`, generated from the .proto files of `@google-cloud/dialogflow`
 * by `test/support/generate-descriptor.mjs` (see there), loaded once, on first use, into protobufjs.
 *
 * Field names are turned into their ProtoJSON names (`lifecycle_state` → `lifecycleState`) before
 * loading, so the objects protobufjs decodes have the same keys as ProtoJSON and as the message
 * objects of Google's Node client.
 */

/** The scalar types of protobuf. */
export type ScalarKind =
  | 'double'
  | 'float'
  | 'int32'
  | 'uint32'
  | 'sint32'
  | 'fixed32'
  | 'sfixed32'
  | 'int64'
  | 'uint64'
  | 'sint64'
  | 'fixed64'
  | 'sfixed64'
  | 'bool'
  | 'string'
  | 'bytes';

/** The well-known types whose ProtoJSON form is special. */
export type WellKnownType = 'Timestamp' | 'Duration' | 'Struct' | 'Value' | 'ListValue' | 'Any';

/** @internal How to read and write one field. */
export interface FieldPlan {
  /** Its place in the message's fields, in field-number order. */
  readonly index: number;
  readonly number: number;
  readonly protoName: string;
  readonly jsonName: string;
  readonly kind: ScalarKind | 'enum' | 'message';
  readonly repeated: boolean;
  /** The key type of a map field. */
  readonly mapKey: ScalarKind | undefined;
  readonly enumPlan: EnumPlan | undefined;
  readonly messagePlan: MessagePlan | undefined;
  /** The (real) oneof the field belongs to. */
  readonly oneof: string | undefined;
  /** Whether the field is written even at its default (message fields, oneof members, `optional`). */
  readonly presence: boolean;
  /** Whether `null` is a value of the field (a singular `google.protobuf.Value`) rather than "not set". */
  readonly nullIsValue: boolean;
}

/** @internal How to read and write one message type. */
export interface MessagePlan {
  readonly fullName: string;
  /** The message's own name (`ConversationPhoneNumber`), for messages. */
  readonly name: string;
  readonly type: protobuf.Type;
  readonly wellKnown: WellKnownType | undefined;
  /** By field number: the order of canonical output. */
  readonly fields: ReadonlyArray<FieldPlan>;
  /** By JSON name and by proto name. */
  readonly byKey: ReadonlyMap<string, FieldPlan>;
  readonly oneofs: ReadonlyArray<{ readonly name: string; readonly fields: ReadonlyArray<FieldPlan> }>;
}

/** @internal An enum's names and numbers, and its readers. */
export interface EnumPlan extends ProtoEnum<string> {
  readonly fullName: string;
  /** The name of 0, the default. */
  readonly defaultName: string | undefined;
}

/** @internal ProtoJSON's `json_name` rule: drop each `_` and uppercase the letter after it. */
export const jsonNameOf = (protoName: string): string => {
  let out = '';
  let upper = false;
  for (const c of protoName) {
    if (c === '_') upper = true;
    else {
      out += upper ? c.toUpperCase() : c;
      upper = false;
    }
  }
  return out;
};

type DescriptorNode = {
  nested?: Record<string, DescriptorNode>;
  fields?: Record<string, { type: string; id: number; rule?: string; keyType?: string; options?: Record<string, unknown> }>;
  oneofs?: Record<string, { oneof: string[] }>;
  values?: Record<string, number>;
};

/** The descriptor with JSON names, and the proto name of each field by type and JSON name. */
const withJsonNames = (node: DescriptorNode, path: string, protoNames: Map<string, string>): DescriptorNode => {
  const out: DescriptorNode = {};
  if (node.values) out.values = node.values;
  if (node.fields) {
    out.fields = {};
    for (const [name, field] of Object.entries(node.fields)) {
      out.fields[jsonNameOf(name)] = field;
      protoNames.set(`${path}#${jsonNameOf(name)}`, name);
    }
  }
  if (node.oneofs) {
    out.oneofs = {};
    for (const [name, oneof] of Object.entries(node.oneofs)) out.oneofs[name] = { oneof: oneof.oneof.map(jsonNameOf) };
  }
  if (node.nested) {
    out.nested = {};
    for (const [name, child] of Object.entries(node.nested)) {
      out.nested[name] = withJsonNames(child, path === '' ? name : `${path}.${name}`, protoNames);
    }
  }
  return out;
};

let loaded: { readonly root: protobuf.Root; readonly protoNames: ReadonlyMap<string, string> } | undefined;

/** @internal The protobufjs root of the descriptor, loaded on first use. */
export const dialogflowRoot = (): { readonly root: protobuf.Root; readonly protoNames: ReadonlyMap<string, string> } => {
  if (loaded === undefined) {
    const protoNames = new Map<string, string>();
    const root = protobuf.Root.fromJSON(withJsonNames(descriptor as DescriptorNode, '', protoNames) as protobuf.INamespace);
    root.resolveAll();
    loaded = { root, protoNames };
  }
  return loaded;
};

const WELL_KNOWN: ReadonlyMap<string, WellKnownType> = new Map([
  ['google.protobuf.Timestamp', 'Timestamp'],
  ['google.protobuf.Duration', 'Duration'],
  ['google.protobuf.Struct', 'Struct'],
  ['google.protobuf.Value', 'Value'],
  ['google.protobuf.ListValue', 'ListValue'],
  ['google.protobuf.Any', 'Any'],
]);

const plans = new Map<protobuf.Type, MessagePlan>();
const enumPlans = new Map<protobuf.Enum, EnumPlan>();

const enumPlanOf = (e: protobuf.Enum): EnumPlan => {
  let plan = enumPlans.get(e);
  if (plan === undefined) {
    // Names by number, the first name of an aliased number first.
    const entries = Object.entries(e.values).sort((a, b) => a[1] - b[1]);
    const names = entries.map(([name]) => name);
    const numbers = Object.fromEntries(entries);
    const contiguous = entries.every(([, number], i) => number === i);
    // Named as the proto names it: `Conversation.LifecycleState` for one nested in a message.
    const scope = e.parent?.name ?? '';
    const typeName = scope.charCodeAt(0) >= 65 && scope.charCodeAt(0) <= 90 ? `${scope}.${e.name}` : e.name;
    const table = protoEnum<string>(typeName, names as [string, ...string[]], contiguous ? undefined : numbers);
    plan = { ...table, fullName: e.fullName.slice(1), defaultName: table.nameOf.get(0) };
    enumPlans.set(e, plan);
  }
  return plan;
};

/** @internal The plan of an enum by full name (`google.cloud.dialogflow.v2.Conversation.LifecycleState`). */
export const enumPlan = (fullName: string): EnumPlan => enumPlanOf(dialogflowRoot().root.lookupEnum(fullName));

/**
 * A field's plan. One class, so that every field's plan has the same shape (an object literal with
 * a getter would give each its own, and every read of a plan's property would be megamorphic); its
 * message type's plan is made on first use, as the type may be the very one being planned.
 */
class Field implements FieldPlan {
  #messagePlan: MessagePlan | undefined | null = null;
  readonly #messageType: protobuf.Type | undefined;
  constructor(
    readonly index: number,
    readonly number: number,
    readonly protoName: string,
    readonly jsonName: string,
    readonly kind: ScalarKind | 'enum' | 'message',
    readonly repeated: boolean,
    readonly mapKey: ScalarKind | undefined,
    readonly enumPlan: EnumPlan | undefined,
    messageType: protobuf.Type | undefined,
    readonly oneof: string | undefined,
    readonly presence: boolean,
    readonly nullIsValue: boolean,
  ) {
    this.#messageType = messageType;
  }
  get messagePlan(): MessagePlan | undefined {
    if (this.#messagePlan === null) this.#messagePlan = this.#messageType === undefined ? undefined : planOf(this.#messageType);
    return this.#messagePlan;
  }
}

/** @internal The plan of a type; plans are built once and shared (recursive types included). */
export const planOf = (type: protobuf.Type): MessagePlan => {
  const existing = plans.get(type);
  if (existing !== undefined) return existing;
  const fullName = type.fullName.slice(1);
  const fields: FieldPlan[] = [];
  const byKey = new Map<string, FieldPlan>();
  const oneofs: { name: string; fields: FieldPlan[] }[] = [];
  const plan: MessagePlan = { fullName, name: type.name, type, wellKnown: WELL_KNOWN.get(fullName), fields, byKey, oneofs };
  plans.set(type, plan); // before the fields, so recursive types find it
  const { protoNames } = dialogflowRoot();
  for (const field of [...type.fieldsArray].sort((a, b) => a.id - b.id)) {
    const resolved = field.resolve().resolvedType;
    const isMap = field instanceof protobuf.MapField;
    const oneof = field.partOf !== null && !field.options?.proto3_optional ? field.partOf.name : undefined;
    const kind = resolved instanceof protobuf.Type ? 'message' : resolved instanceof protobuf.Enum ? 'enum' : (field.type as ScalarKind);
    const f: FieldPlan = new Field(
      fields.length,
      field.id,
      protoNames.get(`${fullName}#${field.name}`) ?? field.name,
      field.name,
      kind,
      field.repeated,
      isMap ? ((field as protobuf.MapField).keyType as ScalarKind) : undefined,
      resolved instanceof protobuf.Enum ? enumPlanOf(resolved) : undefined,
      resolved instanceof protobuf.Type ? resolved : undefined,
      oneof,
      (kind === 'message' && !field.repeated && !isMap) || oneof !== undefined || field.options?.proto3_optional === true,
      !field.repeated && !isMap && resolved instanceof protobuf.Type && resolved.fullName === '.google.protobuf.Value',
    );
    fields.push(f);
    byKey.set(f.jsonName, f);
    byKey.set(f.protoName, f);
    if (oneof !== undefined) {
      const group = oneofs.find((o) => o.name === oneof);
      if (group === undefined) oneofs.push({ name: oneof, fields: [f] });
      else group.fields.push(f);
    }
  }
  return plan;
};

/** @internal The plan of a message type by full name (`google.cloud.dialogflow.v2.ConversationEvent`). */
export const messagePlan = (fullName: string): MessagePlan => planOf(dialogflowRoot().root.lookupType(fullName));

/**
 * @internal What is wrong with an `Any`'s type URL, or `undefined`: protobuf's rule is at least one
 * `/`, with the type's full name after the last one (`type.googleapis.com/google.rpc.ErrorInfo`).
 */
export const typeUrlProblem = (typeUrl: string): string | undefined => {
  const slash = typeUrl.lastIndexOf('/');
  return slash >= 0 && slash < typeUrl.length - 1
    ? undefined
    : `expected a type URL such as type.googleapis.com/google.rpc.ErrorInfo (a "/", then the type's full name), got ${describe(typeUrl)}`;
};

/** @internal The plan of the type an `Any`'s type URL names, when the descriptor has it. */
export const planOfTypeUrl = (typeUrl: string): MessagePlan | undefined => {
  const name = typeUrl.slice(typeUrl.lastIndexOf('/') + 1);
  if (name === '') return undefined;
  const found = dialogflowRoot().root.lookup(name);
  return found instanceof protobuf.Type ? planOf(found) : undefined;
};
