export { type CreateSqliteServerOptions, createSqliteServer } from "./server.js";
