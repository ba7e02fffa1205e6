import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fromProto3JSON, type JSONValue, toProto3JSON } from 'proto3-json-serializer';
import protobuf from 'protobufjs';

/**
 * Google's own path for the same work: `@google-cloud/dialogflow`'s message types (protobufjs),
 * read from and written to ProtoJSON by `proto3-json-serializer`, as google-gax does for REST.
 */
const require = createRequire(import.meta.url);
const protosPath = require.resolve('@google-cloud/dialogflow/build/protos/protos.json');
const root = protobuf.Root.fromJSON(JSON.parse(readFileSync(protosPath, 'utf8')));

export const ConversationType = root.lookupType('google.cloud.dialogflow.v2.Conversation');
export const ListConversationsResponseType = root.lookupType('google.cloud.dialogflow.v2.ListConversationsResponse');

export type GoogleMessage = protobuf.Message;

export const googleParse = (type: protobuf.Type, text: string): GoogleMessage | null => fromProto3JSON(type, JSON.parse(text) as JSONValue);

export const googleStringify = (message: GoogleMessage): string => JSON.stringify(toProto3JSON(message));

export const packageVersion = (name: string): string => {
  try {
    const path = require.resolve(`${name}/package.json`);
    return (JSON.parse(readFileSync(path, 'utf8')) as { version: string }).version;
  } catch {
    // Packages whose exports hide package.json: find it next to the entry point.
    let dir = require.resolve(name);
    for (let i = 0; i < 6; i++) {
      dir = dir.slice(0, dir.lastIndexOf('/'));
      try {
        const pkg = JSON.parse(readFileSync(`${dir}/package.json`, 'utf8')) as { name?: string; version: string };
        if (pkg.name === name) return pkg.version;
      } catch {}
    }
    return 'unknown';
  }
};
