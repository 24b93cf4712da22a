package org.ntpguard.schema.registry;

/** A schema registry that cannot be reached or does not answer as expected; the message says which and how. */
public final class SchemaRegistryException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    SchemaRegistryException(final String message, final Throwable cause) {
        super(message, cause);
    }
}
