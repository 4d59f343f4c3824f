import 'leaflet/dist/leaflet.css';
import './map.css';
import { useEffect, useId, useRef, useState, type MouseEvent } from 'react';
import { Box, Button, Group, Text } from '@mantine/core';
import L from 'leaflet';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { useWebConfig } from './queries.ts';
import type { MapPoint } from './types.ts';

/**
 * A Leaflet map in a small React wrapper. The tile source comes from the server's settings
 * (MAP_TILE_URL via GET /api/web-config); with none — as on offline machines — the points are
 * drawn on a plain background with a faint grid, and nothing else on the page depends on the
 * map: every point is also in a list beside it, and a place can always be given as a territory
 * and an address instead of a pin. Points are SVG circles, so no marker images are fetched.
 * Each point is reachable with Tab, named by its label, and Enter (or Space) opens its popup —
 * with a link to the appeal when the point has one — and moves the focus into it. Since every
 * point is a tab stop, a "skip the map" link (shown when focused) comes first and moves the focus
 * past the map: to `skipTo` (the list beside it) or to the end of the map.
 */

export const KARAGANDA: [number, number] = [49.806, 73.085];

const TONE_COLOUR: Record<NonNullable<MapPoint['tone']>, string> = {
  open: '#0b4f8a',
  closed: '#3f454b',
  overdue: '#9b1c1c',
  selected: '#9b1c1c',
};

export interface AppealMapProps {
  /** Names the map region for screen readers. */
  label: string;
  points?: MapPoint[];
  center?: [number, number];
  zoom?: number;
  height?: number;
  /** Lets the user place one pin (click or tap; or the button that pins the map's centre). */
  pick?: { value: { lat: number; lon: number } | null; onChange: (p: { lat: number; lon: number } | null) => void };
  onPointClick?: (id: string) => void;
  /** The id of the element the "skip the map" link moves the focus to (the list beside the map); default: just past the map. */
  skipTo?: string;
  testId?: string;
}

export function AppealMap({ label, points = [], center, zoom = 12, height = 280, pick, onPointClick, skipTo, testId }: AppealMapProps) {
  const { t } = useTranslation('appealsweb');
  const endId = `${useId().replace(/:/g, '')}-after-map`;
  const config = useWebConfig();
  const el = useRef<HTMLDivElement>(null);
  const map = useRef<L.Map | null>(null);
  const layer = useRef<L.LayerGroup | null>(null);
  const pickRef = useRef(pick);
  pickRef.current = pick;
  const clickRef = useRef(onPointClick);
  clickRef.current = onPointClick;
  const navigate = useNavigate();
  const navigateRef = useRef(navigate);
  navigateRef.current = navigate;
  const tileUrl = config.data?.mapTileUrl ?? null;
  const ready = !config.isPending;
  // "Pin the centre" reads the map's centre: it is enabled once the map exists (a click before
  // that, while the settings load on a slow connection, would do nothing).
  const [mapShown, setMapShown] = useState(false);

  // The map itself: created once the settings are known, rebuilt when the language changes
  // (the zoom buttons' names come from the catalog).
  useEffect(() => {
    if (!ready || !el.current) return;
    const m = L.map(el.current, { zoomControl: false, attributionControl: true, center: center ?? KARAGANDA, zoom, keyboard: true });
    L.control.zoom({ zoomInTitle: t('map.zoomIn'), zoomOutTitle: t('map.zoomOut') }).addTo(m);
    m.attributionControl.setPrefix('<a href="https://leafletjs.com" lang="en">Leaflet</a>');
    if (tileUrl) {
      L.tileLayer(tileUrl, { maxZoom: 19, attribution: t('map.attribution') }).addTo(m);
    }
    layer.current = L.layerGroup().addTo(m);
    m.on('click', (e: L.LeafletMouseEvent) => pickRef.current?.onChange({ lat: round(e.latlng.lat), lon: round(e.latlng.lng) }));
    // A popup opened from the keyboard takes the focus (its link, else its close button, named in
    // the page's language); closing it (Escape, or the button) gives the focus back to the point.
    m.on('popupopen', (e: L.PopupEvent) => {
      const box = e.popup.getElement();
      box?.querySelector('.leaflet-popup-close-button')?.setAttribute('aria-label', t('map.closePopup'));
      const layer = (e.popup as unknown as { _source?: L.Path })._source;
      layer?.closeTooltip(); // the tooltip (opened by focus or hover) says the same as the popup
      const source = layer?.getElement();
      if (source && document.activeElement === source) box?.querySelector<HTMLElement>('a[data-open], .leaflet-popup-close-button')?.focus();
    });
    // Leaflet closes a popup on Escape only while the map's own frame has the focus; a point or the popup's link may have it instead.
    L.DomEvent.on(el.current, 'keydown', (ev) => {
      if ((ev as KeyboardEvent).key === 'Escape') m.closePopup(); // nothing open: nothing happens
    });
    m.on('popupclose', (e: L.PopupEvent) => {
      const box = e.popup.getElement();
      const source = (e.popup as unknown as { _source?: L.Path })._source?.getElement() as (SVGElement & HTMLOrSVGElement) | undefined;
      if (source && (!document.activeElement || document.activeElement === document.body || box?.contains(document.activeElement))) source.focus();
    });
    map.current = m;
    setMapShown(true);
    const ro = new ResizeObserver(() => m.invalidateSize());
    ro.observe(el.current);
    return () => {
      ro.disconnect();
      m.remove();
      map.current = null;
      layer.current = null;
      setMapShown(false);
    };
    // The centre and zoom only set the first view; later changes must not reset the user's panning.
  }, [ready, tileUrl, t]);

  // The points (and the picked pin), redrawn when they change.
  const pinned = pick?.value ?? null;
  const key = JSON.stringify([points.map((p) => [p.id, p.lat, p.lon, p.tone, p.label]), pinned]);
  useEffect(() => {
    const m = map.current;
    const g = layer.current;
    if (!m || !g) return;
    g.clearLayers();
    const all: L.LatLngExpression[] = [];
    for (const p of points) {
      const c = L.circleMarker([p.lat, p.lon], { radius: 7, color: '#ffffff', weight: 2, fillColor: TONE_COLOUR[p.tone ?? 'open'], fillOpacity: 0.95 });
      c.bindTooltip(p.label, { direction: 'top' });
      c.bindPopup(() => popupContent(p, t('map.openAppeal'), (href) => navigateRef.current(href)), { closeButton: true, autoPan: true, maxWidth: Math.max(160, m.getSize().x - 64) });
      c.on('click', () => clickRef.current?.(p.id));
      c.addTo(g);
      makeFocusable(c, p.label, () => (clickRef.current ? clickRef.current(p.id) : c.openPopup()));
      all.push([p.lat, p.lon]);
    }
    if (pinned) {
      L.circleMarker([pinned.lat, pinned.lon], { radius: 10, color: '#ffffff', weight: 3, fillColor: TONE_COLOUR.selected, fillOpacity: 1 })
        .bindTooltip(t('map.pin'), { permanent: false })
        .addTo(g);
    }
    if (!center && all.length > 1) m.fitBounds(L.latLngBounds(all), { padding: [24, 24], maxZoom: 14 });
    else if (!center && all.length === 1) m.setView(all[0]!, 13);
  }, [key, ready, tileUrl, t]);

  // The target takes the focus without entering the tab order (a hash would become a route change).
  const skip = (e: MouseEvent<HTMLAnchorElement>) => {
    e.preventDefault();
    const target = document.getElementById(skipTo ?? endId);
    if (!target) return;
    if (!target.hasAttribute('tabindex')) target.setAttribute('tabindex', '-1');
    target.focus();
  };

  return (
    <Box data-testid={testId} className="appeal-map-box">
      <a className="appeal-map-skip" href={`#${skipTo ?? endId}`} onClick={skip} data-testid="map-skip">
        {t('map.skip')}
      </a>
      <div
        ref={el}
        role="region"
        aria-label={label}
        className={tileUrl ? 'appeal-map' : 'appeal-map appeal-map--plain'}
        style={{ height, width: '100%' }}
        data-tiles={tileUrl ? 'on' : 'off'}
      />
      {!tileUrl && ready && (
        <Text size="xs" c="dimmed" mt={4}>
          {t('map.noTiles')}
        </Text>
      )}
      {pick && (
        <Group gap="xs" mt="xs" wrap="wrap">
          <Button
            variant="default"
            size="xs"
            disabled={!mapShown}
            onClick={() => {
              const c = map.current?.getCenter();
              if (c) pick.onChange({ lat: round(c.lat), lon: round(c.lng) });
            }}
          >
            {t('map.pinCentre')}
          </Button>
          {pick.value && (
            <Button variant="subtle" size="xs" onClick={() => pick.onChange(null)}>
              {t('map.clearPin')}
            </Button>
          )}
        </Group>
      )}
      <span id={endId} tabIndex={-1} className="appeal-map-end" />
    </Box>
  );
}

/** A point's SVG shape as a keyboard control: in the tab order, named, Enter or Space activates it. */
function makeFocusable(c: L.CircleMarker, label: string, activate: () => void) {
  const el = c.getElement();
  if (!el) return;
  el.setAttribute('tabindex', '0');
  el.setAttribute('role', 'button');
  el.setAttribute('aria-label', label);
  L.DomEvent.on(el as HTMLElement, 'keydown', (ev) => {
    const e = ev as KeyboardEvent;
    if (e.key !== 'Enter' && e.key !== ' ') return;
    L.DomEvent.stop(e);
    activate();
  });
}

/** The popup of a point: its label and, when it has one, a link to the appeal (followed inside the app). */
function popupContent(p: MapPoint, linkText: string, go: (href: string) => void): HTMLElement {
  const box = document.createElement('div');
  const text = document.createElement('p');
  text.style.margin = '0';
  text.textContent = p.label;
  box.append(text);
  if (p.href) {
    const href = p.href;
    const a = document.createElement('a');
    a.href = href;
    a.dataset.open = '';
    a.textContent = linkText;
    a.style.display = 'inline-block';
    a.style.marginTop = '6px';
    a.addEventListener('click', (e) => {
      if (e.ctrlKey || e.metaKey || e.shiftKey) return;
      e.preventDefault();
      go(href);
    });
    box.append(a);
  }
  return box;
}

/** Five decimals: about a metre, as precise as a finger on a phone. */
function round(x: number): number {
  return Math.round(x * 1e5) / 1e5;
}
