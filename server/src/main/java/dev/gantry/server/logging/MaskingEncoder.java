package dev.gantry.server.logging;

import java.nio.charset.StandardCharsets;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.encoder.EncoderBase;

/** Wraps the console encoder and masks secrets in what it wrote. */
final class MaskingEncoder extends EncoderBase<ILoggingEvent> {
    private final Encoder<ILoggingEvent> delegate;
    private final SecretMask mask;

    MaskingEncoder(Encoder<ILoggingEvent> delegate, SecretMask mask) {
        this.delegate = delegate;
        this.mask = mask;
    }

    @Override
    public byte[] headerBytes() {
        return delegate.headerBytes();
    }

    @Override
    public byte[] encode(ILoggingEvent event) {
        byte[] raw = delegate.encode(event);
        String text = new String(raw, StandardCharsets.UTF_8);
        String masked = mask.mask(text);
        return masked == text ? raw : masked.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public byte[] footerBytes() {
        return delegate.footerBytes();
    }
}
