export { type CreateHttpServerOptions, createHttpServer } from "./server.js";
