# ---- build -------------------------------------------------------------------------------------------
FROM maven:3.9-eclipse-temurin-21 AS build
WORKDIR /build

# Dependencies first, so this layer is reused while only sources change. No embedded PostgreSQL binaries:
# the image runs against a real PostgreSQL (db.embedded is a dev default).
COPY pom.xml mvnw ./
COPY .mvn .mvn
RUN chmod +x mvnw && ./mvnw -B -q -DskipEmbeddedPostgres \
    org.apache.maven.plugins:maven-dependency-plugin:3.8.1:go-offline

COPY src src
COPY openapi.yaml openapi.yaml
COPY conf conf
RUN ./mvnw -B -DskipTests -DskipEmbeddedPostgres package

# ---- runtime -----------------------------------------------------------------------------------------
FROM eclipse-temurin:21-jre
# /app is the node's own: bin/ledger keeps the class archive next to the jar (issue 8, time to ready; Java 21 here:
# a dynamic CDS archive, /app/ledgerbank.<java version>.jsa, written when a container's first node stops and used
# by its later starts). A read-only /app only goes without it.
RUN groupadd --system --gid 10001 ledger \
 && useradd --system --uid 10001 --gid 10001 --home-dir /app --no-create-home --shell /usr/sbin/nologin ledger \
 && install -d -o 10001 -g 10001 /app
WORKDIR /app
# bin/ledger start: java with the Hazelcast module flags, conf/jvm.options (heap 128-160 MB, metaspace, code cache,
# direct memory, thread stacks and the serial collector, to keep a node under 300 MB RSS; copied with conf/ below),
# the class archive, then $JAVA_OPTS,
# and -jar /app/ledgerbank.jar with the container's arguments (e.g. --help).
COPY --chown=10001:10001 bin/ledger /app/bin/ledger
COPY --from=build --chown=10001:10001 /build/target/ledgerbank.jar /app/ledgerbank.jar
COPY --from=build --chown=10001:10001 /build/conf /app/conf
USER 10001

# 4000 HTTP API, 4001 management (health + metrics of nodes without the http role), 4010 sandbox bank
# (role sandbox-bank), 5701 Hazelcast cluster
EXPOSE 4000 4001 4010 5701

# Readiness on the API port, else on the management port (nodes without the http role): one check for every role.
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=3 \
  CMD ["java", "-cp", "/app/ledgerbank.jar", "com.ledger.platform.HealthProbe"]

ENTRYPOINT ["/app/bin/ledger", "start"]
