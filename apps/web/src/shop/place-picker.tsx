import { useState } from "react";
import { useTranslation } from "react-i18next";
import { cities, locate, setPlace, usePlace } from "../lib/location";

/** Picks where "near me" is: the browser's position, or a city from the list. */
export function PlacePicker() {
  const { t } = useTranslation("shop");
  const place = usePlace();
  const [locating, setLocating] = useState(false);
  const [refused, setRefused] = useState(false);
  return (
    <div className="place-picker row">
      <label htmlFor="place-city">{t("place.label")}</label>
      <select
        id="place-city"
        value={place && cities.some((c) => c.name === place.name) ? place.name : place ? "here" : ""}
        onChange={(event) => {
          const city = cities.find((c) => c.name === event.target.value);
          setPlace(city ?? null);
        }}
      >
        <option value="">{t("place.anywhere")}</option>
        {place && !cities.some((c) => c.name === place.name) ? (
          <option value="here">{t("place.here")}</option>
        ) : null}
        {cities.map((city) => (
          <option key={city.name} value={city.name}>
            {city.name}
          </option>
        ))}
      </select>
      <button
        type="button"
        className="secondary"
        disabled={locating}
        onClick={async () => {
          setLocating(true);
          const here = await locate();
          setLocating(false);
          setRefused(!here);
          if (here) setPlace({ ...here, name: t("place.here") });
        }}
      >
        {locating ? t("place.locating") : t("place.useMine")}
      </button>
      <span role="status" className="muted">
        {refused ? t("place.refused") : ""}
      </span>
    </div>
  );
}
