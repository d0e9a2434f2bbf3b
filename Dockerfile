# Gantry image: one jar, every command. `docker run IMAGE` starts the server;
# `docker run IMAGE worker` a worker, `docker run IMAGE migrate` the schema migration.
# Always set DATABASE_URL in a container: without it the server would start an embedded
# PostgreSQL inside the container, whose data dies with it. See docs/deployment.md.

# ---- build: the Maven wrapper on a JDK 21 ----
FROM eclipse-temurin:21-jdk AS build
WORKDIR /src

# The poms and the wrapper first, so this layer (Maven itself and every dependency and
# plugin) is rebuilt only when a pom changes, not on every source edit. Every module of
# the parent pom needs its pom here, even one that is not built (-pl server -am).
# Packaging the modules while they have no sources resolves exactly what the real build
# uses; dependency:go-offline misses some transitive artifacts, which each build would fetch.
COPY mvnw pom.xml ./
COPY .mvn/ .mvn/
COPY core/pom.xml core/
COPY server/pom.xml server/
COPY bench/pom.xml bench/
RUN ./mvnw -B -ntp -q package -DskipTests -pl server -am \
 && rm -rf core/target server/target

# core/src/test is needed too: server's tests use core's test-jar, which -DskipTests still builds.
COPY core/src/ core/src/
COPY server/src/ server/src/
RUN ./mvnw -B -ntp -q package -DskipTests -pl server -am \
 && cp server/target/gantry.jar /gantry.jar

# ---- runtime: a JRE, the jar, a user without privileges ----
FROM eclipse-temurin:21-jre AS runtime

# A fixed numeric id, so Kubernetes' runAsNonRoot can check it; 10001 avoids the image's
# own "ubuntu" user (1000).
RUN groupadd --system --gid 10001 gantry \
 && useradd --system --uid 10001 --gid gantry --home-dir /app --no-create-home \
      --shell /usr/sbin/nologin gantry \
 && mkdir -p /app /var/lib/gantry \
 && chown gantry:gantry /var/lib/gantry

COPY --from=build /gantry.jar /app/gantry.jar

# Only used when DATABASE_URL is unset (the server's embedded PostgreSQL); mount a volume here
# if you really want that in a container.
ENV GANTRY_DATA_DIR=/var/lib/gantry
WORKDIR /app
USER 10001:10001

# 8080: the server's API, dashboard and /health. 8081: a worker's /health and /metrics.
EXPOSE 8080 8081

# curl ships in the eclipse-temurin images. A worker container must set GANTRY_HTTP_PORT (the
# compose file and the Kubernetes manifests do) for this check to find its port; the server's
# default is 8080. /health answers 503 while the database is unreachable.
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD curl -fsS -o /dev/null "http://127.0.0.1:${GANTRY_HTTP_PORT:-8080}/health" || exit 1

# Exec form, so java is PID 1 and gets SIGTERM itself: its shutdown hook stops fetching, waits
# up to GANTRY_SHUTDOWN_TIMEOUT_MS for running jobs and gives the rest back. The serial collector
# as in ./gantry (.mvn/find-jdk.sh: a worker's live set is small, and it keeps the resident set
# near the heap actually used); the heap cap follows the container's memory limit; on
# OutOfMemoryError the process exits and is restarted rather than limping on. Add JVM flags with
# JAVA_TOOL_OPTIONS.
ENTRYPOINT ["java", "-XX:+UseSerialGC", "-XX:MaxRAMPercentage=75", "-XX:+ExitOnOutOfMemoryError", "-jar", "/app/gantry.jar"]
CMD ["server"]
