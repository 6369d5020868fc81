package dnd.cli.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** Rows of named values, printed as an aligned table or as {@code {"results":[...]}}. */
final class Report {

    private final List<Map<String, Object>> rows = new ArrayList<>();

    /** Starts a row; values keep the order they are put in. */
    Map<String, Object> row() {
        Map<String, Object> r = new LinkedHashMap<>();
        rows.add(r);
        return r;
    }

    List<Map<String, Object>> rows() { return rows; }

    String json() {
        StringBuilder sb = new StringBuilder("{\"results\":[");
        for (int i = 0; i < rows.size(); i++) {
            if (i > 0) sb.append(',');
            sb.append('{');
            int j = 0;
            for (Map.Entry<String, Object> e : rows.get(i).entrySet()) {
                if (j++ > 0) sb.append(',');
                sb.append('"').append(e.getKey()).append("\":").append(jsonValue(e.getValue()));
            }
            sb.append('}');
        }
        return sb.append("]}\n").toString();
    }

    String table() {
        Set<String> columns = new LinkedHashSet<>();
        rows.forEach(r -> columns.addAll(r.keySet()));
        List<String> cols = new ArrayList<>(columns);
        List<String[]> cells = new ArrayList<>();
        cells.add(cols.toArray(String[]::new));
        for (Map<String, Object> r : rows) cells.add(cols.stream().map(c -> text(r.get(c))).toArray(String[]::new));
        int[] width = new int[cols.size()];
        for (String[] line : cells) for (int c = 0; c < line.length; c++) width[c] = Math.max(width[c], line[c].length());
        StringBuilder sb = new StringBuilder();
        for (String[] line : cells) {
            for (int c = 0; c < line.length; c++) {
                if (c > 0) sb.append("  ");
                sb.append(String.format(Locale.ROOT, "%" + width[c] + "s", line[c]));
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    private static String text(Object v) {
        if (v == null) return "-";
        if (v instanceof Double d) return Double.isNaN(d) ? "n/a" : String.format(Locale.ROOT, Math.abs(d) >= 100 ? "%.1f" : "%.3f", d);
        return v.toString();
    }

    private static String jsonValue(Object v) {
        if (v == null) return "null";
        if (v instanceof Double d) return Double.isFinite(d) ? String.format(Locale.ROOT, "%.4f", d) : "null";
        if (v instanceof Number || v instanceof Boolean) return v.toString();
        return '"' + v.toString().replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }
}
