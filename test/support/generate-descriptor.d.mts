/** Where the committed descriptor lives. */
export declare const DESCRIPTOR_PATH: string;
/** The messages whose closure the descriptor holds. */
export declare const ROOTS: ReadonlyArray<string>;
/** The descriptor, generated from the .proto files of `@google-cloud/dialogflow`. */
export declare const generateDescriptor: () => unknown;
/** The descriptor as the committed text. */
export declare const descriptorText: () => string;
