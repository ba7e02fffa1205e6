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

/** The installed version of a package (or of this project, by its own name). */
export const packageVersion = (name: string, projectPackageJson?: string): string => {
  const read = (path: string): { name?: string; version: string } =>
    JSON.parse(readFileSync(path, 'utf8')) as { name?: string; version: string };
  if (projectPackageJson !== undefined && read(projectPackageJson).name === name) return read(projectPackageJson).version;
  try {
    return read(require.resolve(`${name}/package.json`)).version;
  } catch {
    // Packages whose exports hide package.json: find it above the entry point.
    try {
      let dir = require.resolve(name);
      for (let i = 0; i < 6; i++) {
        dir = dir.slice(0, dir.lastIndexOf('/'));
        try {
          const pkg = read(`${dir}/package.json`);
          if (pkg.name === name) return pkg.version;
        } catch {}
      }
    } catch {}
    return 'unknown';
  }
};
