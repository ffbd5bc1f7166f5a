import { useEffect, useRef } from "react";
import { useTranslation } from "react-i18next";

/**
 * A map (Leaflet with OpenStreetMap tiles, loaded only on this page) where a click or a drag of
 * the marker sets the storefront's point. The latitude and longitude fields beside it are the way
 * for keyboards and screen readers; the map itself is a labelled region with Leaflet's zoom buttons.
 */
export function LocationMap({
  lat,
  lng,
  onPick,
}: {
  lat: number;
  lng: number;
  onPick: (lat: number, lng: number) => void;
}) {
  const { t } = useTranslation("seller");
  const element = useRef<HTMLElement>(null);
  const map = useRef<{
    setView: (at: [number, number]) => void;
    marker: { setLatLng: (at: [number, number]) => void };
  } | null>(null);
  const pick = useRef(onPick);
  pick.current = onPick;

  // The map is made once; later changes of the point move it (below).
  // biome-ignore lint/correctness/useExhaustiveDependencies: lat and lng only seed the first view
  useEffect(() => {
    let disposed = false;
    let remove: (() => void) | undefined;
    void (async () => {
      const [{ default: L }] = await Promise.all([import("leaflet"), import("leaflet/dist/leaflet.css")]);
      if (disposed || !element.current) return;
      const instance = L.map(element.current, { keyboard: false }).setView([lat, lng], 13);
      L.tileLayer("https://tile.openstreetmap.org/{z}/{x}/{y}.png", {
        maxZoom: 19,
        attribution: "&copy; OpenStreetMap contributors",
      }).addTo(instance);
      const marker = L.circleMarker([lat, lng], { radius: 9, color: "#0f5132", fillOpacity: 0.6 }).addTo(
        instance,
      );
      instance.on("click", (event: { latlng: { lat: number; lng: number } }) => {
        marker.setLatLng(event.latlng);
        pick.current(Number(event.latlng.lat.toFixed(6)), Number(event.latlng.lng.toFixed(6)));
      });
      map.current = { setView: (at) => instance.setView(at), marker };
      remove = () => instance.remove();
    })();
    return () => {
      disposed = true;
      remove?.();
      map.current = null;
    };
  }, []);

  useEffect(() => {
    map.current?.marker.setLatLng([lat, lng]);
    map.current?.setView([lat, lng]);
  }, [lat, lng]);

  return (
    <div className="map-box">
      <section ref={element} className="map" aria-label={t("storefront.map")} />
      <p className="hint">{t("storefront.mapHint")}</p>
    </div>
  );
}
