package dev.gantry.client;

/** What {@link TokenClient#bootstrap} did, for a start-up banner. */
public sealed interface TokenBootstrap {
    /** The given admin token is the bootstrap admin token; {@code revoked}: an operator revoked it, so it is refused. */
    record Given(boolean revoked) implements TokenBootstrap {
    }

    /** No admin token existed: this one was made and must be shown once. */
    record Generated(String secret) implements TokenBootstrap {
        @Override
        public String toString() {
            return "Generated[secret=****]";
        }
    }

    /** Admin tokens exist already; nothing was made. */
    record Existing(long admins) implements TokenBootstrap {
    }
}
