package io.fluxdb.engine.mysql.compat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What one run of a client's scenario printed (compat/README.md, "The transcript"), and the
 * step-by-step comparison of a direct run with a run through the operator.
 */
record Transcript(String client, String version, Map<String, Line> steps) {
    /** The step judged on the operator run alone: the test MariaDB offers no TLS. */
    static final String TLS_STEP = "tls";

    private static final Pattern STEP_ROW = Pattern.compile("^\\| `([a-z0-9_]+)` \\|", Pattern.MULTILINE);

    /** One step's line: its text as printed, and parsed. */
    record Line(String raw, Map<String, Object> json) {
        boolean has(String key) {
            return json.containsKey(key);
        }
    }

    enum Status {
        /** The same line both times. */
        PASS,
        /** A difference nobody explained: the IT fails. */
        FAIL,
        /** The driver cannot do the step. */
        UNSUPPORTED,
        /** A difference listed in compat/known-differences.properties, with its reason. */
        KNOWN;

        String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** The verdict on one step, with both lines (null where a run did not print it). */
    record Outcome(String step, boolean common, Status status, String reason, String direct, String operator) {
        /** This difference as a known one, for {@code why}. */
        Outcome known(String why) {
            return new Outcome(step, common, Status.KNOWN, why, direct, operator);
        }

        Map<String, Object> toJson() {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("step", step);
            json.put("common", common);
            json.put("status", status.label());
            if (reason != null) {
                json.put("reason", reason);
            }
            if (status == Status.FAIL || status == Status.KNOWN) {
                json.put("direct", direct);
                json.put("operator", operator);
            }
            return json;
        }
    }

    /**
     * The step names of the README's "The common scenario" table, in order: the README is the
     * contract, so the suite reads the list from it rather than keeping a copy.
     */
    static List<String> commonSteps(String readme) {
        int start = readme.indexOf("## The common scenario");
        if (start < 0) {
            throw new IllegalArgumentException("compat/README.md has no \"## The common scenario\" section");
        }
        int end = readme.indexOf("\n## ", start + 1);
        Matcher m = STEP_ROW.matcher(readme.substring(start, end < 0 ? readme.length() : end));
        List<String> steps = new ArrayList<>();
        while (m.find()) {
            steps.add(m.group(1));
        }
        if (steps.isEmpty()) {
            throw new IllegalArgumentException("the common scenario table of compat/README.md lists no step");
        }
        return List.copyOf(steps);
    }

    /**
     * Parses a scenario's stdout. Any departure from the contract (no header line, a line that is
     * not a JSON object, a step printed twice, a step with neither result, error nor unsupported)
     * is an {@link IllegalArgumentException} naming the line.
     */
    static Transcript parse(String stdout) {
        List<String> lines = stdout.lines().filter(l -> !l.isBlank()).toList();
        if (lines.isEmpty()) {
            throw new IllegalArgumentException("the scenario printed nothing on stdout");
        }
        Map<String, Object> header = object(lines.getFirst());
        if (!(header.get("client") instanceof String client) || !(header.get("version") instanceof String version)) {
            throw new IllegalArgumentException("the first line must be {\"client\": ..., \"version\": ...}: "
                    + lines.getFirst());
        }
        Map<String, Line> steps = new LinkedHashMap<>();
        for (String raw : lines.subList(1, lines.size())) {
            Map<String, Object> json = object(raw);
            if (!(json.get("step") instanceof String step)) {
                throw new IllegalArgumentException("a line without a \"step\" name: " + raw);
            }
            long kinds = java.util.stream.Stream.of("result", "error", "unsupported").filter(json::containsKey).count();
            if (kinds != 1) {
                throw new IllegalArgumentException("a step line needs exactly one of result, error, unsupported: " + raw);
            }
            if (steps.putIfAbsent(step, new Line(raw, json)) != null) {
                throw new IllegalArgumentException("step \"" + step + "\" printed twice: " + raw);
            }
        }
        return new Transcript(client, version, steps);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> object(String raw) {
        Object value;
        try {
            value = Json.parse(raw);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not a JSON line (only the transcript may go to stdout): " + raw, e);
        }
        if (!(value instanceof Map)) {
            throw new IllegalArgumentException("not a JSON object: " + raw);
        }
        return (Map<String, Object>) value;
    }

    /**
     * Compares the two runs step by step: the common steps in the README's order, then the
     * client's own steps in the order it printed them. A step passes when both lines are the same
     * JSON; {@value #TLS_STEP} passes when the operator run has a result.
     */
    static List<Outcome> compare(List<String> commonSteps, Transcript direct, Transcript operator) {
        Set<String> order = new LinkedHashSet<>(commonSteps);
        order.addAll(direct.steps.keySet());
        order.addAll(operator.steps.keySet());
        List<Outcome> outcomes = new ArrayList<>();
        for (String step : order) {
            Line d = direct.steps.get(step);
            Line o = operator.steps.get(step);
            outcomes.add(judge(step, commonSteps.contains(step), d, o));
        }
        return outcomes;
    }

    private static Outcome judge(String step, boolean common, Line d, Line o) {
        String dRaw = d == null ? null : d.raw();
        String oRaw = o == null ? null : o.raw();
        if (step.equals(TLS_STEP)) {
            if (o == null) {
                return new Outcome(step, common, Status.FAIL, "missing from the operator run", dRaw, null);
            }
            if (o.has("unsupported")) {
                return new Outcome(step, common, Status.UNSUPPORTED, o.json().get("unsupported").toString(), dRaw, oRaw);
            }
            return o.has("result") ? new Outcome(step, common, Status.PASS, null, dRaw, oRaw)
                    : new Outcome(step, common, Status.FAIL, "no result through the operator", dRaw, oRaw);
        }
        if (d == null && o == null) {
            return new Outcome(step, common, Status.FAIL, "missing from both runs: every client prints every step"
                    + " of the common scenario (\"unsupported\" where the driver cannot)", null, null);
        }
        if (d == null || o == null) {
            return new Outcome(step, common, Status.FAIL,
                    "missing from the " + (d == null ? "direct" : "operator") + " run", dRaw, oRaw);
        }
        if (!Objects.equals(d.json(), o.json())) {
            return new Outcome(step, common, Status.FAIL, "the client saw something else through the operator",
                    dRaw, oRaw);
        }
        return d.has("unsupported")
                ? new Outcome(step, common, Status.UNSUPPORTED, d.json().get("unsupported").toString(), dRaw, oRaw)
                : new Outcome(step, common, Status.PASS, null, dRaw, oRaw);
    }
}
