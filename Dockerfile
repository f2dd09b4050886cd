# stowage in a small image: the static binary, git (for `stowage diff git:REV`) and a shell, as a
# user without privileges. Pipelines run their stowage jobs in it with
# `stowage image="NAME@sha256:..."`.
FROM rust:1-bookworm AS build
RUN apt-get update \
    && apt-get install -y --no-install-recommends musl-tools \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
RUN target="$(uname -m)-unknown-linux-musl" \
    && rustup target add "$target" \
    && cargo build --release --locked --target "$target" --bin stowage \
    && cp "target/$target/release/stowage" /usr/local/bin/stowage

FROM debian:bookworm-slim
RUN apt-get update \
    && apt-get install -y --no-install-recommends git ca-certificates \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --uid 10001 --create-home stowage
COPY --from=build /usr/local/bin/stowage /usr/local/bin/stowage
USER 10001
WORKDIR /work
HEALTHCHECK NONE
ENTRYPOINT ["stowage"]
CMD ["--help"]
