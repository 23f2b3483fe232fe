# storybot in a container: a static binary on an empty base image, run as a
# non-root user. Build: docker build -t storybot .   (see README "Deploy")
#
# The go build line is CI's (.ci/run builds the same static binary with the
# same flags; deploy_test.go checks that the two lines agree).

FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/storybot .
# The folders the volumes start from, owned by the runtime user.
RUN mkdir -p /out/data && cp -r knowledge prompts /out/ && chown -R 65532:65532 /out/data /out/knowledge /out/prompts

FROM scratch
# TLS roots for discord.com and the model API; the binary needs nothing else.
COPY --from=build /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/ca-certificates.crt
COPY --from=build /out/storybot /storybot
COPY --from=build /out/knowledge /knowledge
COPY --from=build /out/prompts /prompts
COPY --from=build /out/data /data
ENV KNOWLEDGE_DIR=/knowledge \
    PROMPTS_DIR=/prompts \
    DATA_DIR=/data \
    METRICS_ADDR=:9091 \
    LOG_FORMAT=json
VOLUME ["/knowledge", "/prompts", "/data"]
USER 65532:65532
EXPOSE 9091
# No curl in the image: the binary probes its own /healthz on METRICS_ADDR.
HEALTHCHECK --interval=30s --timeout=5s --start-period=2m --retries=3 CMD ["/storybot", "healthcheck"]
ENTRYPOINT ["/storybot"]
CMD ["bot"]
