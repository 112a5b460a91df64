# ---- build -------------------------------------------------------------------------------------------
FROM maven:3.9-eclipse-temurin-21 AS build
WORKDIR /build

# Dependencies first, so this layer is reused while only sources change.
COPY pom.xml mvnw ./
COPY .mvn .mvn
RUN chmod +x mvnw && ./mvnw -B -q org.apache.maven.plugins:maven-dependency-plugin:3.8.1:go-offline

COPY src src
COPY openapi.yaml openapi.yaml
COPY conf conf
RUN ./mvnw -B -DskipTests package

# ---- runtime -----------------------------------------------------------------------------------------
FROM eclipse-temurin:21-jre
RUN groupadd --system --gid 10001 ledger \
 && useradd --system --uid 10001 --gid 10001 --home-dir /app --no-create-home --shell /usr/sbin/nologin ledger
WORKDIR /app
COPY --from=build --chown=10001:10001 /build/target/ledgerbank.jar /app/ledgerbank.jar
COPY --from=build --chown=10001:10001 /build/conf /app/conf
USER 10001

# 4000 HTTP API, 4010 sandbox bank (role sandbox-bank), 5701 Hazelcast cluster
EXPOSE 4000 4010 5701

HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=3 \
  CMD ["java", "-cp", "/app/ledgerbank.jar", "com.ledger.platform.HealthProbe", "http://127.0.0.1:4000/api/health/ready"]

ENTRYPOINT ["java", \
  "--add-modules", "java.se", \
  "--add-exports", "java.base/jdk.internal.ref=ALL-UNNAMED", \
  "--add-opens", "java.base/java.lang=ALL-UNNAMED", \
  "--add-opens", "java.base/sun.nio.ch=ALL-UNNAMED", \
  "--add-opens", "java.management/sun.management=ALL-UNNAMED", \
  "--add-opens", "jdk.management/com.sun.management.internal=ALL-UNNAMED", \
  "-jar", "/app/ledgerbank.jar"]
