package com.ledger.banksync;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/** SQL of {@code banksync.banks} and {@code banksync.bank_branches} for GET /api/banks (SPEC.md §2.6). */
final class BankRepository {

  /** ACTIVE banks ordered by name (optionally of one country), each with its branches ordered by name. */
  Future<JsonArray> listActive(SqlClient db, String country) {
    return db.preparedQuery("""
        SELECT b.id, b.name, b.country, b.code, b.logo_url, b.status, b.inserted_at, b.updated_at,
               br.id AS br_id, br.name AS br_name, br.iban, br.country AS br_country, br.routing_number, br.swift_code,
               br.inserted_at AS br_inserted_at, br.updated_at AS br_updated_at
        FROM banksync.banks b LEFT JOIN banksync.bank_branches br ON br.bank_id = b.id
        WHERE b.status = 'ACTIVE' AND ($1::text IS NULL OR b.country = $1)
        ORDER BY b.name ASC, b.id ASC, br.name ASC, br.id ASC""")
        .execute(Tuple.of(country))
        .map(rows -> {
          Map<UUID, JsonObject> banks = new LinkedHashMap<>();
          for (Row r : rows) {
            UUID id = r.getUUID("id");
            JsonObject bank = banks.computeIfAbsent(id, k -> bank(r));
            if (r.getUUID("br_id") != null) bank.getJsonArray("branches").add(branch(r, id));
          }
          return new JsonArray(new java.util.ArrayList<>(banks.values()));
        });
  }

  private static JsonObject bank(Row r) {
    return new JsonObject().put("id", r.getUUID("id").toString()).put("name", r.getString("name"))
        .put("country", r.getString("country")).put("code", r.getString("code")).put("logo_url", r.getString("logo_url"))
        .put("status", r.getString("status")).put("inserted_at", BankLogin.ts(BankLogin.instant(r, "inserted_at")))
        .put("updated_at", BankLogin.ts(BankLogin.instant(r, "updated_at"))).put("branches", new JsonArray());
  }

  private static JsonObject branch(Row r, UUID bankId) {
    return new JsonObject().put("id", r.getUUID("br_id").toString()).put("name", r.getString("br_name"))
        .put("iban", r.getString("iban")).put("country", r.getString("br_country"))
        .put("routing_number", r.getString("routing_number")).put("swift_code", r.getString("swift_code"))
        .put("bank_id", bankId.toString()).put("inserted_at", BankLogin.ts(BankLogin.instant(r, "br_inserted_at")))
        .put("updated_at", BankLogin.ts(BankLogin.instant(r, "br_updated_at")));
  }
}
