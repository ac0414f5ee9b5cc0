# The FluxDB operator image. It runs in front of an engine container (DB_COMPONENT_NAME),
# as Flux Shared DB did; the engine is not part of this image.
#
#   docker build -t fluxdb .
#   docker run -e DB_COMPONENT_NAME=mariadb:3306 -e DB_INIT_PASS=... -p 3307:3307 fluxdb

FROM eclipse-temurin:21-jdk AS build
WORKDIR /src
COPY .mvn .mvn
COPY mvnw pom.xml ./
COPY bin bin
COPY fluxdb-testkit fluxdb-testkit
COPY fluxdb-protocol fluxdb-protocol
COPY fluxdb-engine-spi fluxdb-engine-spi
COPY fluxdb-engine-mysql fluxdb-engine-mysql
COPY fluxdb-replication fluxdb-replication
COPY fluxdb-discovery fluxdb-discovery
COPY fluxdb-api fluxdb-api
COPY fluxdb-ui fluxdb-ui
COPY fluxdb-server fluxdb-server
RUN ./mvnw -B -ntp package -DskipTests -Dmaven.test.skip=true

FROM eclipse-temurin:21-jre
RUN useradd --system --home /var/lib/fluxdb fluxdb && mkdir -p /var/lib/fluxdb && chown fluxdb /var/lib/fluxdb
COPY --from=build /src/fluxdb-server/target/fluxdb.jar /src/fluxdb-server/target/fluxdb /opt/fluxdb/
USER fluxdb
WORKDIR /var/lib/fluxdb
ENV FLUXDB_DATA_DIR=/var/lib/fluxdb
ENV JAVA_OPTS="-XX:+UseSerialGC -XX:MaxRAMPercentage=50"
# 3307 MySQL clients; 7071 internal API, 7072 Raft, 8008 UI and management API (not yet built)
EXPOSE 3307 7071 7072 8008
# The launcher runs fluxdb.jar on the image's Java (JAVA_HOME) with JAVA_OPTS, as `fluxdb` does anywhere.
ENTRYPOINT ["/opt/fluxdb/fluxdb"]
CMD ["run"]
