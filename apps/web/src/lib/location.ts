import { useSyncExternalStore } from "react";

/** Where the buyer shops from: a city they picked or their browser's position. */
export interface Place {
  name: string;
  lat: number;
  lng: number;
}

/** Cities a buyer can pick when the browser does not share its position. */
export const cities: readonly Place[] = [
  { name: "Amsterdam", lat: 52.3676, lng: 4.9041 },
  { name: "Berlin", lat: 52.52, lng: 13.405 },
  { name: "Brussels", lat: 50.8503, lng: 4.3517 },
  { name: "Cologne", lat: 50.9375, lng: 6.9603 },
  { name: "Dublin", lat: 53.3498, lng: -6.2603 },
  { name: "Frankfurt", lat: 50.1109, lng: 8.6821 },
  { name: "Hamburg", lat: 53.5511, lng: 9.9937 },
  { name: "Helsinki", lat: 60.1699, lng: 24.9384 },
  { name: "Lisbon", lat: 38.7223, lng: -9.1393 },
  { name: "Madrid", lat: 40.4168, lng: -3.7038 },
  { name: "Milan", lat: 45.4642, lng: 9.19 },
  { name: "Munich", lat: 48.1351, lng: 11.582 },
  { name: "Paris", lat: 48.8566, lng: 2.3522 },
  { name: "Rome", lat: 41.9028, lng: 12.4964 },
  { name: "Vienna", lat: 48.2082, lng: 16.3738 },
];

const key = "mercato.place";
const listeners = new Set<() => void>();
let current: Place | null = read();

function read(): Place | null {
  try {
    const text = localStorage.getItem(key);
    return text ? (JSON.parse(text) as Place) : null;
  } catch {
    return null;
  }
}

export function setPlace(place: Place | null) {
  current = place;
  if (place) localStorage.setItem(key, JSON.stringify(place));
  else localStorage.removeItem(key);
  for (const listener of listeners) listener();
}

/** The chosen place, kept across visits. */
export function usePlace(): Place | null {
  return useSyncExternalStore(
    (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    () => current,
  );
}

/** Asks the browser for its position; resolves null when refused or unavailable. */
export function locate(): Promise<Place | null> {
  return new Promise((resolve) => {
    if (!("geolocation" in navigator)) return resolve(null);
    navigator.geolocation.getCurrentPosition(
      (position) => resolve({ name: "", lat: position.coords.latitude, lng: position.coords.longitude }),
      () => resolve(null),
      { timeout: 10_000, maximumAge: 600_000 },
    );
  });
}
