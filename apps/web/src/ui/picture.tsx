/** The fields of a media a picture needs (ask for them in the query). */
export interface PictureMedia {
  url?: string | null;
  small?: string | null;
  width?: number | null;
  height?: number | null;
  dominantColor?: string | null;
}

/**
 * A product or storefront picture from the media API, lazy-loaded, with the media's dominant colour
 * behind it while it loads; a plain block when there is none. `alt` is empty for decorative uses.
 */
export function Picture({
  media,
  alt,
  className,
  eager,
}: {
  media: PictureMedia | null | undefined;
  alt: string;
  className?: string;
  eager?: boolean;
}) {
  const src = media?.url ?? media?.small;
  if (!src)
    return alt ? (
      <div className={`placeholder ${className ?? ""}`} role="img" aria-label={alt} />
    ) : (
      <div className={`placeholder ${className ?? ""}`} />
    );
  return (
    <img
      className={className}
      src={src}
      srcSet={media?.small && media.url ? `${media.small} 320w, ${media.url} 1280w` : undefined}
      sizes={media?.small && media.url ? "(max-width: 48rem) 100vw, 50vw" : undefined}
      alt={alt}
      width={media?.width ?? undefined}
      height={media?.height ?? undefined}
      loading={eager ? "eager" : "lazy"}
      decoding="async"
      style={media?.dominantColor ? { backgroundColor: media.dominantColor } : undefined}
    />
  );
}
