/**
 * "Change look" in the Enhance panel: category tabs (the marketplace's presets, then the template
 * categories), thumbnails, names in the seller's language, prices in credits and premium badges. Picking
 * one hands it to the widget, which remembers it and re-quotes. Every call goes through the background.
 *
 * Keyboard: ←/→ (Home/End) move between tabs; arrow keys move between looks; Enter/Space picks one
 * (WAI-ARIA APG "Tabs with automatic activation" and "Listbox").
 */
import { useQuery } from '@tanstack/react-query';
import { type KeyboardEvent, useRef, useState } from 'react';
import type { PresetView, Tier } from '../../shared/api';
import type { Locale } from '../../shared/errors';
import type { Marketplace } from '../../shared/marketplaces';
import type { Look, PickerTemplate } from '../../shared/messages';
import { TEMPLATE_CATEGORIES, type TemplateCategory } from '../../shared/templates';
import { errorText, toErrorInfo } from '../lib/errors';
import { lookKey } from '../lib/look-store';
import { sendMessage } from '../lib/messaging';
import { LOOK_TAB_NAMES, type Text } from '../lib/text';
import { queryKeys } from '../ui/queries';

export type LookTab = 'presets' | TemplateCategory;
export const LOOK_TABS: readonly LookTab[] = ['presets', ...TEMPLATE_CATEGORIES];
/** Tiles per row: the arrow keys move by this much vertically. */
const COLUMNS = 3;
/** The catalogue changes with a deploy, not while a page is open. */
const CATALOGUE_STALE_MS = 10 * 60_000;

/** Tiers whose sellers may not use premium templates (SPEC §4: Free and PAYG). */
const BASIC_TIERS: ReadonlySet<Tier> = new Set(['free', 'payg']);

/**
 * Whether the seller cannot use this template. The server's own `locked` wins when it sends one; until
 * then (or from an older server) the tier decides, and an unknown tier locks nothing: the server refuses
 * with its own message if it must.
 */
export function isLocked(template: PickerTemplate, tier: Tier | undefined): boolean {
  if (template.locked !== undefined) return template.locked;
  return template.premium && tier !== undefined && BASIC_TIERS.has(tier);
}

/** What a look needs to be shown: presets fit the marketplace they export for; templates theirs or any. */
export function looksFor(
  marketplace: Marketplace,
  presets: readonly PresetView[],
  templates: readonly PickerTemplate[],
) {
  return {
    presets: presets.filter((p) => p.marketplace === marketplace),
    templates: templates.filter((t) => t.platform === marketplace || t.platform === 'any'),
  };
}

export function tabOf(look: Look, templates: readonly PickerTemplate[]): LookTab {
  if (look.kind === 'preset') return 'presets';
  return templates.find((t) => t.id === look.templateId)?.category ?? 'presets';
}

export function usePresets() {
  return useQuery({
    queryKey: queryKeys.presets,
    queryFn: () => sendMessage('presets.list', {}),
    staleTime: CATALOGUE_STALE_MS,
  });
}

export function useTemplates() {
  return useQuery({
    queryKey: queryKeys.templates,
    queryFn: () => sendMessage('templates.list', {}),
    staleTime: CATALOGUE_STALE_MS,
  });
}

interface Props {
  marketplace: Marketplace;
  locale: Locale;
  t: Text;
  selected: Look;
  tier: Tier | undefined;
  onSelect: (look: Look) => void;
}

interface Item {
  look: Look;
  id: string;
  name: string;
  price: number;
  premium: boolean;
  locked: boolean;
  /** Template thumbnail; presets show their output size instead. */
  templateId?: string;
  size?: string;
}

export function LookPicker({ marketplace, locale, t, selected, tier, onSelect }: Props) {
  const presets = usePresets();
  const templates = useTemplates();
  // Until the seller picks a tab, the chosen look's tab (known once the templates have loaded).
  const [tabChoice, setTab] = useState<LookTab | undefined>(undefined);
  const tab = tabChoice ?? tabOf(selected, templates.data?.templates ?? []);
  const [lockedNote, setLockedNote] = useState(false);
  const tabRefs = useRef(new Map<LookTab, HTMLButtonElement>());
  const optionRefs = useRef<HTMLButtonElement[]>([]);

  const available = looksFor(marketplace, presets.data?.presets ?? [], templates.data?.templates ?? []);
  const items: Item[] =
    tab === 'presets'
      ? available.presets.map((p) => ({
          look: { kind: 'preset', presetId: p.id },
          id: p.id,
          name: p.name[locale],
          price: p.price,
          premium: false,
          locked: false,
          size: `${p.output.width}×${p.output.height}`,
        }))
      : available.templates
          .filter((tpl) => tpl.category === tab)
          .map((tpl) => ({
            look: { kind: 'template', templateId: tpl.id },
            id: tpl.id,
            name: tpl.name[locale],
            price: tpl.price,
            premium: tpl.premium,
            locked: isLocked(tpl, tier),
            templateId: tpl.id,
          }));
  const query = tab === 'presets' ? presets : templates;
  const selectedKey = lookKey(selected);
  const selectedIndex = items.findIndex((item) => lookKey(item.look) === selectedKey);
  // Roving tabindex: one tab stop for the whole grid, on the chosen look (or the first).
  const focusIndex = Math.max(selectedIndex, 0);

  function chooseTab(next: LookTab) {
    setTab(next);
    setLockedNote(false);
  }

  function onTabKey(event: KeyboardEvent<HTMLButtonElement>) {
    const index = LOOK_TABS.indexOf(tab);
    const moves: Record<string, number> = {
      ArrowRight: index + 1,
      ArrowLeft: index - 1,
      Home: 0,
      End: LOOK_TABS.length - 1,
    };
    const to = moves[event.key];
    if (to === undefined) return;
    event.preventDefault();
    const next = LOOK_TABS[(to + LOOK_TABS.length) % LOOK_TABS.length] ?? 'presets';
    chooseTab(next);
    tabRefs.current.get(next)?.focus();
  }

  function onOptionKey(event: KeyboardEvent<HTMLButtonElement>, index: number) {
    const moves: Record<string, number> = {
      ArrowRight: index + 1,
      ArrowLeft: index - 1,
      ArrowDown: index + COLUMNS,
      ArrowUp: index - COLUMNS,
      Home: 0,
      End: items.length - 1,
    };
    const to = moves[event.key];
    if (to === undefined || to < 0 || to >= items.length) return;
    event.preventDefault();
    optionRefs.current[to]?.focus();
  }

  function pick(item: Item) {
    if (item.locked) {
      setLockedNote(true);
      return;
    }
    onSelect(item.look);
  }

  return (
    <div className="picker" data-testid="lumiku-picker">
      <div className="tabs" role="tablist" aria-label={t.lookTabs}>
        {LOOK_TABS.map((name) => (
          <button
            key={name}
            ref={(el) => {
              if (el) tabRefs.current.set(name, el);
            }}
            type="button"
            role="tab"
            id={`lumiku-tab-${name}`}
            className="tab"
            aria-selected={tab === name}
            aria-controls="lumiku-looks"
            tabIndex={tab === name ? 0 : -1}
            data-testid={`lumiku-tab-${name}`}
            onClick={() => chooseTab(name)}
            onKeyDown={onTabKey}
          >
            {LOOK_TAB_NAMES[name][locale]}
          </button>
        ))}
      </div>
      <div id="lumiku-looks" role="tabpanel" aria-labelledby={`lumiku-tab-${tab}`}>
        {query.error ? (
          <p className="error" role="alert" data-testid="lumiku-picker-error">
            {errorText(toErrorInfo(query.error), locale)}
          </p>
        ) : !query.data ? (
          <p className="hint">{t.loading}</p>
        ) : items.length === 0 ? (
          <p className="hint">{t.noLooks}</p>
        ) : (
          <div className="looks" role="listbox" aria-label={t.lookPicker}>
            {items.map((item, index) => (
              <button
                key={item.id}
                ref={(el) => {
                  if (el) optionRefs.current[index] = el;
                }}
                type="button"
                role="option"
                className="look"
                aria-selected={index === selectedIndex}
                aria-disabled={item.locked || undefined}
                aria-label={[
                  item.name,
                  t.credits(item.price),
                  item.premium ? t.premium : '',
                  item.locked ? t.lockedLabel : '',
                ]
                  .filter(Boolean)
                  .join(', ')}
                tabIndex={index === focusIndex ? 0 : -1}
                data-testid="lumiku-look"
                data-look={item.id}
                data-locked={item.locked}
                onClick={() => pick(item)}
                onKeyDown={(event) => onOptionKey(event, index)}
              >
                <span className="thumb">
                  {item.templateId ? (
                    <TemplateThumb templateId={item.templateId} />
                  ) : (
                    <span className="thumb-size">{item.size}</span>
                  )}
                  {item.premium && (
                    <span className="premium" data-testid="lumiku-premium">
                      {item.locked ? '🔒 ' : ''}
                      {t.premium}
                    </span>
                  )}
                </span>
                <span className="look-name">{item.name}</span>
                <span className="look-price" data-testid="lumiku-look-price">
                  {t.credits(item.price)}
                </span>
              </button>
            ))}
          </div>
        )}
        {lockedNote && (
          <p className="hint" role="status" data-testid="lumiku-locked-note">
            {t.locked}
          </p>
        )}
      </div>
    </div>
  );
}

/** A template's preview, fetched once per page by the background and kept for the page's life. */
function TemplateThumb({ templateId }: { templateId: string }) {
  const preview = useQuery({
    queryKey: queryKeys.templatePreview(templateId),
    queryFn: () => sendMessage('template.preview', { templateId }),
    staleTime: Number.POSITIVE_INFINITY,
    gcTime: 60 * 60_000,
  });
  if (!preview.data) return null;
  // Decorative: the name beside it says what it is.
  return <img src={preview.data.dataUrl} alt="" data-testid="lumiku-thumb" />;
}
