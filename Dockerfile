# The suite as a container image, client-only (no bundled reference server):
# it tests the API at --base-url and writes its reports where you mount a
# folder.
#
#   docker build -t todo-conformance .
#   mkdir -p out
#   docker run --rm --user "$(id -u):$(id -g)" -v "$PWD/out:/out" -e BETTER_AUTH_SECRET \
#       todo-conformance --base-url https://api.example.com --junit /out/conformance.xml
#
# (--user: the reports then belong to you, and the image's own user need
# not be allowed to write to your folder.)
#
# A static musl build on an empty image: reqwest uses rustls with the
# webpki roots compiled in, so the image needs no CA files, no libc and no
# shell; the scenarios and the seed profile are compiled into the binary.
# The project's CI machine pulls no image, so this file is not built there:
# CI builds the equivalent image from the binary it built
# (ci/build-suite-image.sh) and runs it (ci/image-smoke.sh).

FROM rust:1.95-alpine AS build
# ring (rustls) compiles C: gcc and musl-dev.
RUN apk add --no-cache gcc musl-dev
WORKDIR /src
COPY . .
RUN cargo build --locked --profile dist -p todo-conformance --no-default-features \
    && mkdir /out

FROM scratch
COPY --from=build /src/target/dist/todo-conformance /todo-conformance
# A writable /out even without a mount (65532: distroless's "nonroot").
COPY --from=build --chown=65532:65532 /out /out
USER 65532:65532
WORKDIR /out
ENTRYPOINT ["/todo-conformance"]
