package dev.gantry.store;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.gantry.config.SchemaName;

/** Reads and writes {@code gantry.kinds}, the registry of job kinds enqueue accepts. */
public final class KindStore {
    private final Db db;
    private final NamedSql declare;
    private final NamedSql selectKnown;
    private final NamedSql selectAll;

    public KindStore(Db db, SchemaName schema) {
        this.db = db;
        declare = NamedSql.parse(KindSql.DECLARE, schema.value());
        selectKnown = NamedSql.parse(KindSql.SELECT_KNOWN, schema.value());
        selectAll = NamedSql.parse(KindSql.SELECT_ALL, schema.value());
    }

    public void declare(Collection<String> kinds) {
        if (kinds.isEmpty()) return;
        db.withConnection("declare kinds", conn -> {
            try (PreparedStatement ps = declare.prepare(conn, Map.of("names", NamedSql.SqlArray.of("text", kinds)))) {
                ps.executeUpdate();
            }
            return null;
        });
    }

    /** The subset of {@code kinds} that is declared. */
    public Set<String> known(Collection<String> kinds) {
        return db.withConnection("look up kinds", conn -> {
            Set<String> known = new HashSet<>();
            try (PreparedStatement ps = selectKnown.prepare(conn, Map.of("names", NamedSql.SqlArray.of("text", kinds)));
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) known.add(rs.getString(1));
            }
            return known;
        });
    }

    public List<String> all() {
        return db.withConnection("list kinds", conn -> {
            List<String> names = new ArrayList<>();
            try (PreparedStatement ps = selectAll.prepare(conn, Map.of()); ResultSet rs = ps.executeQuery()) {
                while (rs.next()) names.add(rs.getString(1));
            }
            return names;
        });
    }
}
