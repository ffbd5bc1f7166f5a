import { Route, Routes } from "react-router";
import { NotFound } from "../app/not-found";
import { RequireRole } from "../ui/guard";
import { Page } from "../ui/page";

export default function Area() {
  return (
    <Routes>
      <Route
        index
        element={
          <RequireRole need="admin">
            <Page title="admin">
              <p>admin</p>
            </Page>
          </RequireRole>
        }
      />
      <Route path="*" element={<NotFound />} />
    </Routes>
  );
}
