// The alert rules and the dashboard under deploy/observability speak of metrics the processes
// export: every metric name in their queries is registered somewhere in the code (or is one of
// prom-client's process metrics), so a renamed metric cannot leave an alert silently empty.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { parser } from "@prometheus-io/lezer-promql";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";

const root = resolve(import.meta.dirname, "../..");
const folder = join(root, "deploy/observability");

/** Metric names registered in the sources (`name: "…"` of prom-client metrics). */
function registeredMetrics(): Set<string> {
  const found = execFileSync(
    "git",
    [
      "grep",
      "-h",
      "-o",
      "-E",
      'name: "[a-z_]+_(total|seconds|bytes|up|lag|backlog|parked)"|name: "jobs"',
      "--",
      "packages",
      "services",
    ],
    { cwd: root, encoding: "utf8" },
  );
  const names = new Set([...found.matchAll(/name: "([a-z_]+)"/g)].map((m) => m[1] ?? ""));
  // prom-client's default process metrics (collectDefaultMetrics).
  names.add("process_resident_memory_bytes");
  return names;
}

/** The metric names a PromQL expression reads (histogram and counter suffixes taken off), from Prometheus's own grammar. */
function metricsIn(expr: string): string[] {
  const names: string[] = [];
  parser.parse(expr).iterate({
    enter: (node) => {
      if (node.name !== "VectorSelector") return;
      const name = node.node.getChild("Identifier");
      if (name) names.push(expr.slice(name.from, name.to).replace(/_(bucket|count|sum)$/, ""));
    },
  });
  return names;
}

describe("deploy/observability", () => {
  const known = registeredMetrics();

  it("alerts on the service-level signals, each with a duration, a severity and a summary", () => {
    const rules = parse(readFileSync(join(folder, "prometheus-rules.yaml"), "utf8")) as {
      groups: {
        rules: {
          alert: string;
          expr: string;
          for: string;
          labels: { severity: string };
          annotations: { summary: string };
        }[];
      }[];
    };
    const all = rules.groups.flatMap((group) => group.rules);
    for (const signal of [
      "ErrorRate",
      "LatencyP99",
      "ConsumerLag",
      "EventsParked",
      "JobsDeadLettered",
      "OutboxBacklog",
    ])
      expect(
        all.some((rule) => rule.alert.includes(signal)),
        signal,
      ).toBe(true);
    for (const rule of all) {
      expect(rule.for, rule.alert).toMatch(/^\d+[sm]$/);
      expect(["page", "ticket"]).toContain(rule.labels.severity);
      expect(rule.annotations.summary, rule.alert).toBeTruthy();
      expect(metricsIn(rule.expr).length, rule.alert).toBeGreaterThan(0);
      for (const metric of metricsIn(rule.expr))
        expect(known, `${rule.alert} reads ${metric}`).toContain(metric);
    }
  });

  it("has a dashboard whose every panel queries exported metrics", () => {
    const dashboard = JSON.parse(readFileSync(join(folder, "grafana-dashboard.json"), "utf8")) as {
      panels: { title: string; targets: { expr: string }[] }[];
    };
    expect(dashboard.panels.length).toBeGreaterThanOrEqual(10);
    for (const panel of dashboard.panels)
      for (const target of panel.targets)
        for (const metric of metricsIn(target.expr))
          expect(known, `${panel.title} reads ${metric}`).toContain(metric);
  });
});
