// The Java parts of the benchmark (bench/run). Single-file program, run with the service jar on the classpath
// (it uses only Vert.x core and BouncyCastle, which the jar ships):
//   java -cp target/ledgerbank.jar bench/Bench.java <command> ...
// Commands:
//   hello PORT INSTANCES                 bare Vert.x HTTP "hello" server on 127.0.0.1 (the HTTP ceiling); runs until killed
//   argon2 SECONDS THREADS M T P         raw Argon2id derivations per second (BouncyCastle, the service's hasher library)
//   load --url U [--method M] [--path P] [--ids FILE] [--header 'K: V']... [--body B] [--seconds S] [--connections C]
//                                        closed-loop HTTP load (a stand-in for wrk used by the smoke mode); prints the
//                                        same BENCH line as bench/wrk.lua
//   report KV_FILE JSON_FILE             the table (figure | service | ceiling | ratio | target) and the JSON
//   smoke --url U --token T --ids FILE --out DIR
//                                        1 s of each Java part (hello + load, argon2, /me and /process on a running
//                                        service), then report: what BenchSmokeTest runs in mvn verify
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;

public class Bench {
  public static void main(String[] args) throws Exception {
    if (args.length == 0) usage();
    switch (args[0]) {
      case "hello" -> hello(Integer.parseInt(args[1]), Integer.parseInt(args[2]));
      case "argon2" -> System.out.printf(Locale.ROOT, "BENCH argon2_per_s=%.2f%n", argon2(Double.parseDouble(args[1]),
          Integer.parseInt(args[2]), Integer.parseInt(args[3]), Integer.parseInt(args[4]), Integer.parseInt(args[5])));
      case "load" -> {
        Vertx vertx = Vertx.vertx();
        try {
          System.out.println(load(vertx, LoadSpec.parse(args)).line());
        } finally {
          vertx.close();
        }
      }
      case "report" -> report(Path.of(args[1]), Path.of(args[2]));
      case "smoke" -> smoke(opts(args));
      default -> usage();
    }
  }

  static void usage() {
    System.err.println("usage: Bench hello|argon2|load|report|smoke ... (see the comment at the top of bench/Bench.java)");
    System.exit(2);
  }

  static Map<String, List<String>> opts(String[] args) {
    Map<String, List<String>> o = new LinkedHashMap<>();
    for (int i = 1; i < args.length; i++) {
      if (!args[i].startsWith("--") || i + 1 >= args.length) throw new IllegalArgumentException("bad option " + args[i]);
      o.computeIfAbsent(args[i].substring(2), k -> new ArrayList<>()).add(args[++i]);
    }
    return o;
  }

  static String opt(Map<String, List<String>> o, String key, String dflt) {
    List<String> v = o.get(key);
    return v == null ? dflt : v.get(v.size() - 1);
  }

  // ---------------------------------------------------------------------------------------------- hello ceiling

  static final class Hello extends VerticleBase {
    private final int port;

    Hello(int port) {
      this.port = port;
    }

    @Override
    public Future<?> start() {
      return vertx.createHttpServer()
          .requestHandler(r -> r.response().putHeader("Content-Type", "text/plain").end("hello"))
          .listen(port, "127.0.0.1");
    }
  }

  static Vertx startHello(int port, int instances) throws Exception {
    Vertx vertx = Vertx.vertx();
    vertx.deployVerticle(() -> new Hello(port), new DeploymentOptions().setInstances(instances))
        .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    return vertx;
  }

  static void hello(int port, int instances) throws Exception {
    startHello(port, instances);
    System.out.println("READY hello on 127.0.0.1:" + port);
    Thread.currentThread().join();
  }

  // ---------------------------------------------------------------------------------------------- argon2 ceiling

  /** Raw Argon2id derivations per second on {@code threads} threads (the service's hash pool size). */
  static double argon2(double seconds, int threads, int m, int t, int p) throws InterruptedException {
    byte[] password = "password123!".getBytes(StandardCharsets.UTF_8);
    if (seconds >= 3) runArgon2(2, threads, password, m, t, p); // warm-up (JIT of the hash loop)
    return runArgon2(seconds, threads, password, m, t, p);
  }

  static double runArgon2(double seconds, int threads, byte[] password, int m, int t, int p) throws InterruptedException {
    LongAdder done = new LongAdder();
    long start = System.nanoTime();
    long end = start + (long) (seconds * 1e9);
    List<Thread> ts = new ArrayList<>();
    for (int i = 0; i < threads; i++) {
      Thread th = new Thread(() -> {
        byte[] salt = new byte[16];
        new SecureRandom().nextBytes(salt);
        byte[] out = new byte[32];
        // One generator per thread, its working memory allocated once (as the service keeps it, Argon2Memory): the
        // ceiling is the derivation alone. The salt does not change the work, so one per thread is enough.
        Argon2BytesGenerator gen = new Argon2BytesGenerator();
        gen.init(new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id).withVersion(Argon2Parameters.ARGON2_VERSION_13)
            .withSalt(salt).withMemoryAsKB(m).withIterations(t).withParallelism(p).build());
        do { // at least one derivation per thread, however late the thread got a CPU (a smoke run's 1 s on a busy box)
          gen.generateBytes(password, out);
          done.increment();
        } while (System.nanoTime() < end);
      });
      th.start();
      ts.add(th);
    }
    for (Thread th : ts) th.join();
    return done.sum() / ((System.nanoTime() - start) / 1e9);
  }

  // ---------------------------------------------------------------------------------------------- load

  record LoadSpec(URI url, HttpMethod method, String path, List<String> ids, MultiMap headers, String body,
      double seconds, int connections) {
    static LoadSpec parse(String[] args) throws Exception {
      return of(opts(args));
    }

    static LoadSpec of(Map<String, List<String>> o) throws Exception {
      MultiMap headers = MultiMap.caseInsensitiveMultiMap();
      for (String h : o.getOrDefault("header", List.of())) {
        int c = h.indexOf(':');
        headers.add(h.substring(0, c).trim(), h.substring(c + 1).trim());
      }
      String idsFile = opt(o, "ids", null);
      List<String> ids = idsFile == null ? null
          : Files.readAllLines(Path.of(idsFile)).stream().filter(s -> !s.isBlank()).toList();
      String body = opt(o, "body", null);
      if (body != null && !headers.contains("Content-Type")) headers.add("Content-Type", "application/json");
      return new LoadSpec(URI.create(opt(o, "url", "http://127.0.0.1:4000")), HttpMethod.valueOf(opt(o, "method", "GET")),
          opt(o, "path", "/"), ids, headers, body, Double.parseDouble(opt(o, "seconds", "1")),
          Integer.parseInt(opt(o, "connections", "4")));
    }
  }

  record LoadResult(long requests, long non2xx, long errors, double seconds, double p50Ms, double p99Ms, boolean exhausted) {
    String line() {
      return String.format(Locale.ROOT, "BENCH requests=%d non2xx=%d errors=%d seconds=%.3f p50_ms=%.3f p99_ms=%.3f exhausted=%d",
          requests, non2xx, errors, seconds, p50Ms, p99Ms, exhausted ? 1 : 0);
    }

    double okPerSecond() {
      return (requests - non2xx) / seconds;
    }
  }

  /** Latency histogram: 10 µs buckets up to 10 s. */
  static final int BUCKET_US = 10;
  static final int BUCKETS = 1_000_000;

  /**
   * Closed loop: {@code connections} requests in flight until the time is up. Counted like wrk: every answered
   * request, non2xx = status >= 400; transport failures are errors.
   */
  static LoadResult load(Vertx vertx, LoadSpec s) throws Exception {
    HttpClientAgent client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true),
        new PoolOptions().setHttp1MaxSize(s.connections()));
    LongAdder requests = new LongAdder();
    LongAdder non2xx = new LongAdder();
    LongAdder errors = new LongAdder();
    AtomicLongArray hist = new AtomicLongArray(BUCKETS + 1);
    AtomicInteger next = new AtomicInteger();
    boolean[] exhausted = {false};
    long start = System.nanoTime();
    long end = start + (long) (s.seconds() * 1e9);
    Promise<Void> finished = Promise.promise();
    AtomicInteger running = new AtomicInteger(s.connections());
    Buffer body = s.body() == null ? null : Buffer.buffer(s.body());
    for (int c = 0; c < s.connections(); c++) {
      vertx.runOnContext(v -> new Object() {
        void fire() {
          if (System.nanoTime() >= end) {
            if (running.decrementAndGet() == 0) finished.tryComplete();
            return;
          }
          String path = s.path();
          if (s.ids() != null) {
            int i = next.getAndIncrement();
            if (i >= s.ids().size()) {
              exhausted[0] = true;
              i = s.ids().size() - 1;
            }
            path = path.replace("{id}", s.ids().get(i));
          }
          RequestOptions ro = new RequestOptions().setMethod(s.method()).setHost(s.url().getHost())
              .setPort(s.url().getPort()).setURI(path).setHeaders(MultiMap.caseInsensitiveMultiMap().addAll(s.headers()));
          long t0 = System.nanoTime();
          client.request(ro)
              .compose(req -> body == null ? req.send() : req.send(body))
              .compose(resp -> resp.body().map(b -> resp.statusCode()))
              .onComplete(ar -> {
                if (ar.succeeded()) {
                  requests.increment();
                  if (ar.result() >= 400) non2xx.increment();
                  long us = (System.nanoTime() - t0) / 1000;
                  hist.incrementAndGet((int) Math.min(BUCKETS, us / BUCKET_US));
                } else {
                  errors.increment();
                }
                fire();
              });
        }
      }.fire());
    }
    finished.future().toCompletionStage().toCompletableFuture().get((long) s.seconds() + 60, TimeUnit.SECONDS);
    double secs = (System.nanoTime() - start) / 1e9;
    client.close();
    return new LoadResult(requests.sum(), non2xx.sum(), errors.sum(), secs, percentile(hist, 50), percentile(hist, 99),
        exhausted[0]);
  }

  static double percentile(AtomicLongArray hist, double pct) {
    long total = 0;
    for (int i = 0; i <= BUCKETS; i++) total += hist.get(i);
    if (total == 0) return 0;
    long rank = (long) Math.ceil(total * pct / 100.0);
    long seen = 0;
    for (int i = 0; i <= BUCKETS; i++) {
      seen += hist.get(i);
      if (seen >= rank) return (i + 1) * BUCKET_US / 1000.0;
    }
    return BUCKETS * BUCKET_US / 1000.0;
  }

  // ---------------------------------------------------------------------------------------------- report

  /** One row of the table: a service figure, its ceiling (or reference) and the target (issue 8). */
  record Row(String figure, String serviceKey, String ceilingKey, String unit, String target, double min, double max) {}

  static final List<Row> ROWS = List.of(
      new Row("GET /api/auth/me (wrk -t2 -c64) vs bare Vert.x hello", "me_rps", "hello_rps", "req/s", "ratio >= 0.50",
          0.50, Double.NaN),
      new Row("POST /payments/{id}/process sync, 200 accounts of one user (c32) vs pgbench 10k accounts c8",
          "spread_rps", "pg_spread_tps", "/s", "ratio >= 0.70", 0.70, Double.NaN),
      new Row("POST /payments/{id}/process sync, one account (c32) vs pgbench one row c32", "hot_rps", "pg_hot_tps", "/s",
          "ratio >= 1.0", 1.0, Double.NaN),
      new Row("POST /api/auth/login (c16) vs raw Argon2id on 2 threads", "login_rps", "argon2_per_s", "/s",
          "ratio >= 0.90", 0.90, Double.NaN),
      new Row("p99 of GET /api/auth/me at half its max rate (hey -c16 -q)", "me_half_p99_ms", null, "ms", "< 5 ms",
          Double.NaN, 5),
      new Row("RSS of the node after the load", "rss_mb", null, "MB", "< 300 MB", Double.NaN, 300),
      new Row("GET /api/payments?page=1, user with 120k payments vs a user with 100 (c16)", "list_big_rps",
          "list_small_rps", "req/s", "ratio >= 0.5", 0.5, Double.NaN),
      new Row("async: Prefer: respond-async 3 s on 200 accounts, until the workers posted all vs pgbench 10k c8",
          "async_rps", "pg_spread_tps", "/s", "ratio >= 0.70", 0.70, Double.NaN),
      new Row("ready (process start to /api/health/ready 200, fresh database)", "ready_s", null, "s", "< 3 s",
          Double.NaN, 3),
      new Row("ready at the first start after a build (records the class archive: bin/ledger)", "ready_first_s", null,
          "s", "-", Double.NaN, Double.NaN));

  static Map<String, String> readKv(Path kv) throws Exception {
    Map<String, String> m = new LinkedHashMap<>();
    for (String line : Files.readAllLines(kv)) {
      int eq = line.indexOf('=');
      if (line.isBlank() || line.startsWith("#") || eq < 0) continue;
      m.put(line.substring(0, eq).trim(), line.substring(eq + 1).trim());
    }
    return m;
  }

  static Double num(Map<String, String> kv, String key) {
    if (key == null) return null;
    String v = kv.get(key);
    if (v == null || v.isEmpty()) return null;
    try {
      return Double.parseDouble(v);
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /** hello_rps -> hello_before_rps, argon2_per_s -> argon2_before_per_s (bench/run's bracketing ceilings). */
  static String bracketKey(String key, String which) {
    if (key == null) return null;
    for (String unit : List.of("_per_s", "_rps", "_tps")) {
      if (key.endsWith(unit)) return key.substring(0, key.length() - unit.length()) + "_" + which + unit;
    }
    return null;
  }

  static String fmt(Double v) {
    if (v == null) return "-";
    double a = Math.abs(v);
    return a >= 100 ? String.format(Locale.ROOT, "%,.0f", v) : a >= 10 ? String.format(Locale.ROOT, "%.1f", v)
        : String.format(Locale.ROOT, "%.2f", v);
  }

  static JsonObject report(Path kvFile, Path jsonFile) throws Exception {
    Map<String, String> kv = readKv(kvFile);
    JsonArray rows = new JsonArray();
    StringBuilder out = new StringBuilder();
    out.append("| figure | service | ceiling | ratio | target |\n| --- | --- | --- | --- | --- |\n");
    for (Row r : ROWS) {
      Double svc = num(kv, r.serviceKey());
      Double ceil = num(kv, r.ceilingKey());
      Double ratio = svc != null && ceil != null && ceil > 0 ? svc / ceil : null;
      Boolean met = null;
      if (!Double.isNaN(r.min()) && ratio != null) met = ratio >= r.min();
      if (!Double.isNaN(r.max()) && svc != null) met = svc < r.max();
      Double before = num(kv, bracketKey(r.ceilingKey(), "before"));
      Double after = num(kv, bracketKey(r.ceilingKey(), "after"));
      boolean noisy = before != null && after != null && Math.max(before, after) > 1.5 * Math.min(before, after);
      boolean skipped = svc == null && (r.ceilingKey() == null || ceil == null);
      if (skipped && !kv.containsKey(r.serviceKey())) continue; // section not run (--only)
      out.append("| ").append(r.figure()).append(" | ").append(fmt(svc)).append(svc == null ? "" : " " + r.unit())
          .append(" | ").append(ceil == null ? "-" : fmt(ceil) + " " + r.unit())
          .append(noisy ? " (noisy: " + fmt(before) + " before, " + fmt(after) + " after)" : "").append(" | ")
          .append(ratio == null ? "-" : String.format(Locale.ROOT, "%.2f", ratio)).append(" | ").append(r.target())
          .append(met == null ? "" : met ? " ✓" : " ✗").append(" |\n");
      rows.add(new JsonObject().put("figure", r.figure()).put("unit", r.unit())
          .put("service_key", r.serviceKey()).put("service", svc)
          .put("ceiling_key", r.ceilingKey()).put("ceiling", ceil).put("ceiling_before", before)
          .put("ceiling_after", after).put("ceiling_noisy", noisy).put("ratio", ratio)
          .put("target", r.target()).put("met", met));
    }
    JsonObject figures = new JsonObject();
    kv.forEach((k, v) -> {
      Double d = num(kv, k);
      figures.put(k, d != null && !k.equals("git") ? (Object) d : v);
    });
    JsonObject json = new JsonObject().put("rows", rows).put("figures", figures);
    Files.createDirectories(jsonFile.toAbsolutePath().getParent());
    Files.writeString(jsonFile, json.encodePrettily() + "\n");
    System.out.print(out);
    return json;
  }

  // ---------------------------------------------------------------------------------------------- smoke

  static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  /**
   * The Java parts against a running service for about a second each; no wrk, pgbench or hey. Writes
   * {@code DIR/smoke.kv} and {@code DIR/smoke.json} and prints the table.
   */
  static void smoke(Map<String, List<String>> o) throws Exception {
    Path out = Path.of(opt(o, "out", "bench/results"));
    Files.createDirectories(out);
    double secs = Double.parseDouble(opt(o, "seconds", "1"));
    String url = opt(o, "url", null);
    String token = opt(o, "token", null);
    StringBuilder kv = new StringBuilder("mode=smoke\n");
    int port = freePort();
    Vertx hello = startHello(port, 1);
    Vertx vertx = Vertx.vertx();
    try {
      LoadResult h = load(vertx, LoadSpec.of(Map.of("url", List.of("http://127.0.0.1:" + port), "path", List.of("/"),
          "seconds", List.of(String.valueOf(secs)))));
      kv.append(String.format(Locale.ROOT, "hello_rps=%.1f%nhello_requests=%d%n", h.okPerSecond(), h.requests()));
      kv.append(String.format(Locale.ROOT, "argon2_per_s=%.2f%n", argon2(secs, 2, 4096, 1, 1)));
      String auth = "Authorization: Bearer " + token;
      LoadResult me = load(vertx, LoadSpec.of(Map.of("url", List.of(url), "path", List.of("/api/auth/me"),
          "header", List.of(auth), "seconds", List.of(String.valueOf(secs)))));
      kv.append(String.format(Locale.ROOT, "me_rps=%.1f%nme_requests=%d%nme_non2xx=%d%nme_half_p99_ms=%.3f%n",
          me.okPerSecond(), me.requests(), me.non2xx(), me.p99Ms()));
      LoadResult p = load(vertx, LoadSpec.of(Map.of("url", List.of(url), "method", List.of("POST"),
          "path", List.of("/api/payments/{id}/process"), "ids", List.of(opt(o, "ids", null)), "header", List.of(auth),
          "seconds", List.of(String.valueOf(secs)))));
      kv.append(String.format(Locale.ROOT, "spread_rps=%.1f%nspread_requests=%d%nspread_non2xx=%d%nspread_ok=%d%n",
          p.okPerSecond(), p.requests(), p.non2xx(), p.requests() - p.non2xx()));
    } finally {
      vertx.close();
      hello.close();
    }
    Path kvFile = out.resolve("smoke.kv");
    Files.writeString(kvFile, kv);
    report(kvFile, out.resolve("smoke.json"));
  }
}
