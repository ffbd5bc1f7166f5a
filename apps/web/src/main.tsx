import "./lib/i18n";
import "./styles.css";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { BrowserRouter } from "react-router";
import { Provider } from "urql";
import { AppRoutes } from "./app/routes";
import { client } from "./lib/client";
import { SessionProvider } from "./lib/session";

const root = document.getElementById("root");
if (!root) throw new Error("index.html has no #root");
createRoot(root).render(
  <StrictMode>
    <SessionProvider>
      <Provider value={client}>
        <BrowserRouter>
          <AppRoutes />
        </BrowserRouter>
      </Provider>
    </SessionProvider>
  </StrictMode>,
);
