package dev.gantry.server.sse;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import java.util.concurrent.atomic.AtomicReference;

import io.javalin.http.Context;
import io.javalin.http.sse.SseClient;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.gantry.client.TokenClient;
import dev.gantry.server.auth.Authenticator;
import dev.gantry.server.auth.Principal;
import dev.gantry.server.http.ApiException;

/**
 * The open event and log streams: at most {@code maxTotal} at once and {@code maxPerToken} per
 * token, so no caller can hold every connection (a full server answers 429 before the stream
 * starts). Every {@link #RECHECK} it looks each stream's token up again and closes the streams of
 * a token that was revoked or expired: a stream is authorised when it opens, and must not outlive
 * its authority.
 */
public final class OpenStreams implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(OpenStreams.class);
    /** How often the tokens of open streams are checked; a revoked token's streams close within this (plus a query). */
    static final Duration RECHECK = Duration.ofSeconds(2);

    /** One open stream; close it when the stream ends. */
    public final class Ticket implements AutoCloseable {
        private final long tokenId;
        private final Runnable closeStream;

        private Ticket(long tokenId, Runnable closeStream) {
            this.tokenId = tokenId;
            this.closeStream = closeStream;
        }

        @Override
        public void close() {
            release(this);
        }
    }

    private final TokenClient tokens;
    private final int maxTotal;
    private final int maxPerToken;
    private final Set<Ticket> open = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService checker;

    public OpenStreams(TokenClient tokens, int maxTotal, int maxPerToken) {
        this.tokens = tokens;
        this.maxTotal = maxTotal;
        this.maxPerToken = maxPerToken;
        this.checker = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("gantry-stream-tokens").factory());
        checker.scheduleWithFixedDelay(this::recheck, RECHECK.toMillis(), RECHECK.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * Admits a stream of this caller, or throws 429 when the server or the caller has as many
     * open as allowed. {@code closeStream} ends the stream when its token stops being valid.
     */
    synchronized Ticket admit(Principal caller, Runnable closeStream) {
        if (open.size() >= maxTotal) {
            throw new ApiException(429, "too_many_streams", "this server has " + maxTotal
                    + " open streams, its limit (GANTRY_MAX_STREAMS); try again later", Map.of("limit", maxTotal));
        }
        long mine = open.stream().filter(t -> t.tokenId == caller.tokenId()).count();
        if (mine >= maxPerToken) {
            throw new ApiException(429, "too_many_streams", "token \"" + caller.name() + "\" has " + maxPerToken
                    + " open streams, the limit per token (GANTRY_MAX_STREAMS_PER_TOKEN); close one first",
                    Map.of("limit", maxPerToken));
        }
        Ticket t = new Ticket(caller.tokenId(), closeStream);
        open.add(t);
        return t;
    }

    private static final String ADMISSION = "gantry.stream-admission";

    /** The place a stream holds, and its client, once the stream started. */
    private record Admission(Ticket ticket, AtomicReference<SseClient> client) {
    }

    /**
     * Takes a place for the request's stream, or answers 429; call it last before the stream
     * starts (when a JSON error can still be sent). The stream must then {@link #bind} its client.
     */
    public void admit(Context ctx) {
        if (ctx.attribute(ADMISSION) != null) return;
        AtomicReference<SseClient> client = new AtomicReference<>();
        Ticket ticket = admit(Authenticator.principal(ctx), () -> {
            SseClient c = client.get();
            if (c != null) c.close();
        });
        ctx.attribute(ADMISSION, new Admission(ticket, client));
    }

    /** Binds a started stream to its place: closed when its token stops being valid, the place given back when it closes. */
    public static void bind(SseClient c) {
        Admission a = c.ctx().attribute(ADMISSION);
        if (a == null) return;
        a.client().set(c);
        c.onClose(a.ticket()::close);
        if (c.terminated()) a.ticket().close();
    }

    private void release(Ticket t) {
        open.remove(t);
    }

    public int open() {
        return open.size();
    }

    /** Closes the streams of every token that is no longer live; one lookup per token. */
    void recheck() {
        try {
            Map<Long, List<Ticket>> byToken = new HashMap<>();
            for (Ticket t : open) byToken.computeIfAbsent(t.tokenId, k -> new java.util.ArrayList<>()).add(t);
            Instant now = Instant.now();
            for (var e : byToken.entrySet()) {
                boolean live = tokens.get(e.getKey()).map(token -> token.active(now)).orElse(false);
                if (live) continue;
                log.atInfo().setMessage("closing streams of a revoked or expired token")
                        .addKeyValue("token_id", e.getKey()).addKeyValue("streams", e.getValue().size()).log();
                for (Ticket t : e.getValue()) {
                    open.remove(t);
                    t.closeStream.run();
                }
            }
        } catch (RuntimeException e) {
            // The database is away: keep the streams; the next round checks again.
            log.atWarn().setMessage("could not check the tokens of open streams").addKeyValue("error", e.getMessage()).log();
        }
    }

    /**
     * Ends every open stream, then stops checking. Call it before the HTTP server stops: a stream
     * must end while its request is live, since a stream still open when Jetty recycles its request
     * would later finish it through Javalin, which fails on the recycled request again and again.
     */
    @Override
    public void close() {
        checker.shutdownNow();
        for (Ticket t : List.copyOf(open)) {
            open.remove(t);
            try {
                t.closeStream.run();
            } catch (RuntimeException e) {
                log.atDebug().setMessage("closing a stream failed").addKeyValue("error", e.getMessage()).log();
            }
        }
    }
}
