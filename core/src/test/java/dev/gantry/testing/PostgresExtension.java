package dev.gantry.testing;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Gives each test class its own migrated database ({@link TestDatabase}), injected into test
 * methods, constructors and lifecycle methods, and dropped after the class.
 */
public final class PostgresExtension implements BeforeAllCallback, AfterAllCallback, ParameterResolver {
    private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(PostgresExtension.class);

    @Override
    public void beforeAll(ExtensionContext context) {
        database(context);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (topClass(context) != context) return;
        TestDatabase db = context.getStore(NS).remove("db", TestDatabase.class);
        if (db != null) db.close();
    }

    private static TestDatabase database(ExtensionContext context) {
        ExtensionContext root = topClass(context);
        return root.getStore(NS).getOrComputeIfAbsent("db", k -> {
            PostgresServer server = PostgresServer.get();
            return new TestDatabase(server, server.createDatabase(root.getRequiredTestClass().getSimpleName()));
        }, TestDatabase.class);
    }

    private static ExtensionContext topClass(ExtensionContext context) {
        ExtensionContext c = context;
        while (c.getParent().isPresent() && c.getParent().get().getTestClass().isPresent()) c = c.getParent().get();
        return c;
    }

    @Override
    public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return parameterContext.getParameter().getType() == TestDatabase.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return database(extensionContext);
    }
}
