import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ForeignKey, foreignKeyHint } from "../src/foreign-key-failure.js";
import { type Connected, connect, tempDir, textOf } from "./helpers.js";

const key = (
  child: string,
  from: string,
  parent: string,
  onDelete = "NO ACTION",
  onUpdate = "NO ACTION",
): ForeignKey => ({
  child,
  from: from.split(","),
  parent,
  to: ["id"],
  onDelete,
  onUpdate,
});

const SHOP = [
  key("orders", "customer_id", "customers", "CASCADE"),
  key("events", "customer_id", "customers"),
  key("order_items", "order_id", "orders"),
  key("order_items", "product_id", "products"),
  key("notes", "order_id", "orders", "SET NULL"),
];

describe("foreignKeyHint: the keys a failed write's tables take part in", () => {
  it.each([
    // A delete's cascade reaches orders, whose children must then go too; order_items' own parent key does not matter.
    [
      ["customers"],
      "orders(customer_id) → customers(id) ON DELETE CASCADE; events(customer_id) → customers(id); order_items(order_id) → orders(id); notes(order_id) → orders(id) ON DELETE SET NULL",
    ],
    // A written table's keys count both ways.
    [["order_items"], "order_items(order_id) → orders(id); order_items(product_id) → products(id)"],
    [["products"], "order_items(product_id) → products(id)"],
    // Names compare as SQLite's do, whatever their case.
    [["PRODUCTS"], "order_items(product_id) → products(id)"],
  ])("%j", (written, keys) => {
    expect(foreignKeyHint(written, SHOP)).toMatch(
      new RegExp(`^ — SQLite does not say which key failed\\. .* change: ${keys.replace(/[()]/g, "\\$&")}$`),
    );
  });

  it("gives its advice before the keys, so a message cut at 2000 characters loses keys, not the advice", () => {
    const long = Array.from({ length: 12 }, (_, i) => key(`${"child_table_".repeat(12)}${i}`, "parent_id", "hub"));
    const hint = foreignKeyHint(["hub"], long);
    expect(hint.length).toBeGreaterThan(2000);
    expect(hint.slice(0, 600)).toMatch(/delete or change them first, in the same execute_transaction/);
  });

  it("is empty for tables no key touches", () => {
    expect(foreignKeyHint(["logs"], SHOP)).toBe("");
    expect(foreignKeyHint([], SHOP)).toBe("");
  });

  it("names a composite key's columns, a key to the primary key by table, and counts keys past a dozen", () => {
    const composite = { ...key("lines", "a,b", "heads", "NO ACTION", "CASCADE"), to: [] };
    expect(foreignKeyHint(["heads"], [composite])).toMatch(/: lines\(a, b\) → heads ON UPDATE CASCADE$/);
    const many = Array.from({ length: 15 }, (_, i) => key(`c${i}`, "p", "hub"));
    expect(foreignKeyHint(["hub"], many)).toMatch(/c11\(p\) → hub\(id\); and 3 more \(describe_table/);
  });
});

describe("a write refused by a foreign key", () => {
  const tmp = tempDir();
  const path = join(tmp.dir, "data.db");
  let conn: Connected;
  beforeAll(async () => {
    const db = new Database(path);
    db.exec(`CREATE TABLE customers (id INTEGER PRIMARY KEY);
      CREATE TABLE orders (id INTEGER PRIMARY KEY, customer_id INTEGER REFERENCES customers (id) ON DELETE CASCADE);
      CREATE TABLE order_items (order_id INTEGER REFERENCES orders (id), qty INTEGER);
      INSERT INTO customers VALUES (1); INSERT INTO orders VALUES (10, 1); INSERT INTO order_items VALUES (10, 2);`);
    db.close();
    conn = await connect({ database: path });
  });
  afterAll(async () => {
    await conn.close();
    tmp.cleanup();
  });

  it("names the keys, the cascade's included, in execute_write and in a transaction", async () => {
    const keys = "orders(customer_id) → customers(id) ON DELETE CASCADE; order_items(order_id) → orders(id)";
    const alone = await conn.call("execute_write", { sql: "DELETE FROM customers WHERE id = ?", params: [1] });
    expect(alone.isError).toBe(true);
    expect(textOf(alone)).toMatch(
      /^execute_write failed: FOREIGN KEY constraint failed \[SQLITE_CONSTRAINT_FOREIGNKEY\]/,
    );
    expect(textOf(alone)).toContain(keys);
    const inTransaction = await conn.call("execute_transaction", {
      statements: [{ sql: "UPDATE order_items SET qty = 3" }, { sql: "DELETE FROM customers RETURNING id" }],
    });
    expect(textOf(inTransaction)).toMatch(/^execute_transaction failed: statement 2 of 2 failed, so the transaction/);
    expect(textOf(inTransaction)).toContain(keys);
  });

  it("names an inserted row's parent key", async () => {
    const orphan = await conn.call("execute_write", { sql: "INSERT INTO order_items VALUES (99, 1)" });
    expect(textOf(orphan)).toContain(
      "keys of the tables it writes, and of those their actions change: order_items(order_id) → orders(id)",
    );
  });
});
