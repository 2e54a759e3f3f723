export { type CreateFilesystemServerOptions, createFilesystemServer } from "./server.js";
