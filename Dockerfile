# ntpguard in a container: `docker build -t ntpguard .`, then `docker run ntpguard --help`.
# docker-compose.yml runs it as sensor and as detector.

FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY . .
# Tests need the shared captures and root for live capture: they run in CI, not here.
RUN ./mvnw -B -q -DskipTests -pl cli -am package

FROM eclipse-temurin:17-jre
# libpcap for live capture (pcap4j loads it through JNA; on Ubuntu 24.04 apt picks libpcap0.8t64, which provides
# it); curl for the compose healthcheck.
RUN apt-get update \
    && apt-get install -y --no-install-recommends libpcap0.8 curl \
    && rm -rf /var/lib/apt/lists/*
# An unprivileged user for the detector; the sensor runs as root with NET_RAW and NET_ADMIN (docker-compose.yml).
RUN useradd --system --home-dir /var/lib/ntpguard --create-home ntpguard \
    && mkdir -p /var/lib/ntpguard/state \
    && chown -R ntpguard:ntpguard /var/lib/ntpguard
COPY --from=build /src/cli/target/ntpguard.jar /opt/ntpguard/ntpguard.jar
COPY --from=build /src/dist/src/lib/jvm.options /opt/ntpguard/jvm.options
USER ntpguard
WORKDIR /var/lib/ntpguard
# 9464: a sensor's /metrics and /health/*; 8080: the detector's /metrics, blocklist feeds, host drill-down, /health/*.
EXPOSE 9464 8080
# The JVM options of ./ntpguard and the release's launcher (JIT thresholds, exit with status 3 when out of memory),
# from the one file they all read (dist/src/lib/jvm.options).
ENTRYPOINT ["java", "@/opt/ntpguard/jvm.options", "-jar", "/opt/ntpguard/ntpguard.jar"]
CMD ["--help"]
