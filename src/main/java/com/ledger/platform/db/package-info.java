/**
 * Database plumbing: the shared pool ({@link com.ledger.platform.db.Pools}), Flyway ({@code Migrations}), SQLSTATE
 * checks ({@link com.ledger.platform.db.SqlStates}), the embedded dev database and the demo seed.
 *
 * <h2>The repository convention</h2>
 * Each context's SQL lives in its {@code *Repository} classes, written one way:
 * <ul>
 *   <li><b>Stateless.</b> A {@code final} class with no fields (no pool): {@code new UserRepository()}, shared freely.</li>
 *   <li><b>The {@link io.vertx.sqlclient.SqlClient} on every call</b>, first parameter: the caller passes its pool, or
 *       the connection of its transaction, so a caller's transaction flows through every repository it calls:
 *       <pre>{@code
 * pool.withTransaction(tx -> logins.find(tx, id).compose(l -> logins.markSynced(tx, l.id())))
 *       }</pre></li>
 *   <li><b>Records out, never {@code Row} or {@code RowSet}.</b> The row is mapped beside its SQL: a record
 *       ({@code BankLogin}, {@code RefreshTokenRepository.Stored}), a scalar ({@code Boolean} "a row changed",
 *       {@code Integer} count, {@code Void}), or, where the row is the context's published object itself (the
 *       SPEC.md §5.1 user, the §2.6 bank list), that JSON built by the context's one mapper ({@code UserJson}).</li>
 *   <li><b>SQL as constants or text blocks next to the method</b>, positional {@code $1..$n} parameters in a
 *       {@link io.vertx.sqlclient.Tuple}; SQL never built from input (an ORDER BY comes from a whitelist of
 *       constants). No business rules: a service or policy decides, the repository runs the statement; a constraint
 *       a caller must tell apart (a unique email) becomes its catalog error here, by name ({@code SqlStates}).</li>
 * </ul>
 * Named parameters (vertx-sql-client-templates) were weighed and not taken: the statements of users, auth and banksync
 * have at most nine parameters, several of them often null ({@code Map.of} refuses null, so each call would need a {@code HashMap}), and mapping
 * rows to records through the templates needs code generation or jackson-databind at runtime; the positional
 * {@code Tuple} is shorter here.
 */
package com.ledger.platform.db;
