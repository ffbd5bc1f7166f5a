// The deployment files: the compose stack as Debian's docker-compose reads it, and every object
// the two Kustomize overlays render, checked against the Kubernetes schemas (kubernetes-models)
// and against what the services need (one Deployment, probes, budget, autoscaler and network
// policy per process; only the gateway exposed; inventory reachable from orders and the gateway).
// The tools come from Debian (docker-compose, kubectl): absent, the suites skip, or fail under CI.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describeWhenAvailable } from "@mercato/testing";
import { describe, expect, it } from "vitest";
import { parse, parseAllDocuments } from "yaml";
import { baseDir, renderBase, services } from "../../scripts/k8s-base.js";

const root = resolve(import.meta.dirname, "../..");
const has = (command: string) => spawnSync(command, ["--help"], { stdio: "ignore" }).error === undefined;
const describeWithTool = (tool: string, label: string, body: () => void) =>
  describeWhenAvailable(has(tool), label, `${tool} is not installed`, body);

// biome-ignore lint/suspicious/noExplicitAny: rendered manifests are read as loose JSON, their shape checked by the schemas
type Loose = any;
type K8sObject = { apiVersion: string; kind: string; metadata: { name: string }; spec?: Loose };

describe("the Kustomize base", () => {
  it("is what scripts/k8s-base.ts makes of the catalog (`npm run gen:k8s`)", () => {
    for (const [file, text] of renderBase())
      expect(readFileSync(join(baseDir, file), "utf8"), file).toBe(text);
  });
});

describeWithTool("kubectl", "the Kubernetes overlays", () => {
  const render = (overlay: string): K8sObject[] => {
    const out = spawnSync("kubectl", ["kustomize", join(root, "deploy/k8s/overlays", overlay)], {
      encoding: "utf8",
      maxBuffer: 16 * 1024 * 1024,
    });
    expect(out.status, out.stderr).toBe(0);
    return parseAllDocuments(out.stdout).map((document) => {
      const object = document.toJSON() as K8sObject & { data?: Record<string, string> };
      // kustomize wraps a long base64 value over lines; the API server's decoder skips the breaks.
      if (object.kind === "Secret" && object.data)
        for (const key of Object.keys(object.data))
          object.data[key] = object.data[key]?.replace(/\s+/g, "") ?? "";
      return object;
    });
  };

  it.each(["dev", "prod"])("renders %s into objects the Kubernetes schemas accept", async (overlay) => {
    const objects = render(overlay);
    expect(objects.length).toBeGreaterThan(40);
    const problems: string[] = [];
    for (const object of objects) {
      const module = (await import(`kubernetes-models/${object.apiVersion}`)) as Record<
        string,
        new (
          value: unknown,
        ) => { validate(): void }
      >;
      const Model = module[object.kind];
      if (!Model) {
        problems.push(`${object.apiVersion} ${object.kind} is not a Kubernetes kind`);
        continue;
      }
      try {
        new Model(object).validate();
      } catch (error) {
        problems.push(`${object.kind}/${object.metadata.name}: ${(error as Error).message}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it.each(["dev", "prod"])(
    "gives every process in %s its probes, budget, autoscaler and network policy",
    (overlay) => {
      const objects = render(overlay);
      const of = (kind: string) => objects.filter((o) => o.kind === kind);
      for (const name of [...services, "gateway"]) {
        const deployment = of("Deployment").find((d) => d.metadata.name === name);
        const container = deployment?.spec.template.spec.containers[0];
        expect(container.env).toContainEqual({ name: "SERVICE", value: name });
        expect(container.readinessProbe.httpGet.path).toBe(name === "gateway" ? "/health" : "/ready");
        expect(container.livenessProbe.httpGet.path).toBe("/health");
        expect(container.resources.requests.memory).toBeDefined();
        expect(container.securityContext.readOnlyRootFilesystem).toBe(true);
        expect(deployment?.spec.template.spec.securityContext.runAsNonRoot).toBe(true);
        for (const kind of ["Service", "HorizontalPodAutoscaler", "PodDisruptionBudget", "NetworkPolicy"])
          expect(
            of(kind).some((o) => o.metadata.name === name),
            `${kind} ${name}`,
          ).toBe(true);
      }
    },
  );

  it("exposes only the gateway, and lets only orders and the gateway reach inventory", () => {
    const objects = render("prod");
    const ingresses = objects.filter((o) => o.kind === "Ingress");
    const backends = ingresses.flatMap((i) =>
      i.spec.rules.flatMap((r: Loose) => r.http.paths.map((p: Loose) => p.backend.service.name)),
    );
    expect(backends).toEqual(["gateway"]);
    const services = objects.filter((o) => o.kind === "Service");
    expect(services.filter((s) => s.spec.type && s.spec.type !== "ClusterIP")).toEqual([]);
    const inventory = objects.find((o) => o.kind === "NetworkPolicy" && o.metadata.name === "inventory");
    const peers = inventory?.spec.ingress.flatMap((rule: Loose) => rule.from);
    expect(peers).toEqual([
      { podSelector: { matchLabels: { "app.kubernetes.io/name": "gateway" } } },
      { podSelector: { matchLabels: { "app.kubernetes.io/name": "orders" } } },
      {
        namespaceSelector: {},
        podSelector: { matchLabels: { "app.kubernetes.io/name": "prometheus" } },
      },
    ]);
  });

  it("has in dev every secret and key the processes read", () => {
    const objects = render("dev");
    const secrets = new Map(
      objects
        .filter((o) => o.kind === "Secret")
        .map((s) => [s.metadata.name, Object.keys((s as unknown as { data: object }).data)]),
    );
    for (const deployment of objects.filter((o) => o.kind === "Deployment"))
      for (const variable of deployment.spec.template.spec.containers[0].env) {
        const ref = variable.valueFrom?.secretKeyRef;
        if (ref)
          expect(secrets.get(ref.name), `${deployment.metadata.name} ${variable.name}`).toContain(ref.key);
      }
  });
});

describeWithTool("docker-compose", "the compose stack", () => {
  const compose = (args: string[], envFile = "deploy/.env.example") =>
    spawnSync("docker-compose", ["-f", "deploy/compose.yaml", "--env-file", envFile, ...args], {
      cwd: root,
      encoding: "utf8",
      env: { PATH: process.env.PATH ?? "" },
    });

  it("is accepted by docker-compose config with the example settings", () => {
    const checked = compose(["config", "-q"]);
    expect(checked.stderr).toBe("");
    expect(checked.status).toBe(0);
  });

  it("gives its NATS servers a configuration nats-server accepts", () => {
    if (!has("nats-server")) return expect(process.env.CI, "nats-server is not installed").toBeFalsy();
    const tested = spawnSync("nats-server", ["-c", join(root, "deploy/nats/cluster.conf"), "-t"], {
      encoding: "utf8",
      env: { PATH: process.env.PATH ?? "", NATS_NAME: "nats-1" },
    });
    expect(`${tested.stdout}${tested.stderr}`).toContain("is valid");
    expect(tested.status).toBe(0);
  });

  it("refuses to start without a secret, naming it", () => {
    const empty = join(mkdtempSync(join(tmpdir(), "mercato-compose-")), ".env");
    writeFileSync(empty, "");
    const checked = compose(["config", "-q"], empty);
    expect(checked.status).not.toBe(0);
    expect(checked.stderr).toMatch(
      /set (POSTGRES_PASSWORD|SERVICE_TOKEN_SECRET|S3_SECRET_ACCESS_KEY|METRICS_TOKEN)/,
    );
  });

  it("runs every process from the image, each with its database, after what it needs is healthy", () => {
    const config = parse(compose(["config"]).stdout) as {
      services: Record<
        string,
        { environment: Record<string, string>; depends_on: Record<string, { condition: string }> }
      >;
    };
    const initSql = readFileSync(join(root, "deploy/postgres/init.sql"), "utf8");
    for (const name of [...services, "gateway"]) {
      const service = config.services[name];
      expect(service?.environment.SERVICE).toBe(name);
      expect(service?.depends_on.postgres?.condition).toBe("service_healthy");
      for (const nats of ["nats-1", "nats-2", "nats-3"])
        expect(service?.depends_on[nats]?.condition).toBe("service_healthy");
      if (name !== "gateway") {
        expect(service?.environment.DATABASE_URL).toMatch(new RegExp(`@postgres:5432/mercato_${name}$`));
        expect(initSql).toContain(`CREATE DATABASE mercato_${name};`);
      }
    }
    const gateway = config.services.gateway;
    for (const name of services) {
      expect(gateway?.environment[`${name.toUpperCase()}_SERVICE_URL`]).toBe(`http://${name}:8080`);
      expect(gateway?.depends_on[name]?.condition).toBe("service_healthy");
    }
  });
});
