# syntax=docker/dockerfile:1
# Multi-stage build: a static binary (CGO off; SQLite is pure Go) on a
# distroless base, running as a non-root user with its data in /data.
# The console in ui/dist is committed, so this needs no Node stage.

FROM golang:1.26-bookworm AS build
ARG VERSION=dev
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 GOTOOLCHAIN=local go build -trimpath \
      -ldflags "-s -w -X main.version=${VERSION}" -o /out/hireloop . \
 && mkdir -p /out/data

FROM gcr.io/distroless/static-debian12:nonroot
ARG VERSION=dev
LABEL org.opencontainers.image.title="hireloop" \
      org.opencontainers.image.description="Self-hosted AI interviews for your ATS" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.source="https://github.com/hireloop/hireloop"
COPY --from=build /out/hireloop /hireloop
COPY --from=build --chown=65532:65532 /out/data /data
ENV HIRELOOP_ADDR=0.0.0.0:8080 \
    HIRELOOP_DATA_DIR=/data
USER 65532:65532
VOLUME /data
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=10s --retries=3 CMD ["/hireloop", "healthcheck"]
ENTRYPOINT ["/hireloop"]
CMD ["serve"]
