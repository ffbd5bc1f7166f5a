import { graphqlPage, resolveWith } from "../../domain.js";
import type {
  ImageFormat,
  ImageSize,
  MediaKind,
  MediaPurpose,
  MediaStatus,
  Resolvers,
} from "../../gen/graphql.js";
import type { GraphqlContext } from "../../module.js";
import { clientField, connection } from "../catalog-common.js";
import { pairs } from "../catalog-json.js";
import { renditionUrl } from "./media-json.js";
import { readyMedia } from "./media-loaders.js";
import type { MediaOperations } from "./operations.js";
import type { ImageFormatName, ImageSizeName, MediaModel, PurposeName } from "./schemas.js";

const upper = <S extends string>(value: S) => value.toUpperCase() as Uppercase<S>;
const lower = <S extends string>(value: S) => value.toLowerCase() as Lowercase<S>;

/** GraphQL arguments as the client named them; the service's `media_id` is the argument `id`. */
const args = clientField(null, { media_id: "id", cursor: "after", limit: "first" });
const input = clientField("input");

/**
 * GraphQL of the media domain: each field calls its operation; enums go upper-case. It also
 * resolves the pictures of the other domains' types (a product's media, a storefront's logo, an
 * order line's image, ...) through the request's loader: one BatchGetMedia for every media a level
 * of the query names, null when the media service cannot be asked.
 */
export function mediaResolvers(ops: MediaOperations): Resolvers {
  const one = async (id: string | null | undefined, context: GraphqlContext): Promise<MediaModel | null> =>
    id ? ((await ops.loader(context.ctx).load(id)) ?? null) : null;
  const imageOf = (value: { mediaId?: string | null }, _args: unknown, context: GraphqlContext) =>
    one(value.mediaId, context);
  const productMedia = async (product: { mediaIds: string[] }, context: GraphqlContext) =>
    (await readyMedia(ops.loader(context.ctx), product.mediaIds)) ?? [];
  return {
    Media: {
      kind: (media) => (media.kind ? (upper(media.kind) as MediaKind) : null),
      status: (media) => upper(media.status) as MediaStatus,
      purpose: (media) => upper(media.purpose) as MediaPurpose,
      url: (media, a) =>
        renditionUrl(media, lower(a.size) as ImageSizeName, lower(a.format) as ImageFormatName),
    },
    MediaRendition: {
      size: (rendition) => upper(rendition.size) as ImageSize,
      format: (rendition) => upper(rendition.format) as ImageFormat,
    },
    Product: {
      media: (product, _args, context) => productMedia(product, context),
      image: async (product, _args, context) => (await productMedia(product, context))[0] ?? null,
    },
    ProductHit: { image: imageOf },
    CartLine: { image: imageOf },
    OrderLine: { image: imageOf },
    Storefront: {
      logo: (storefront, _args, context) => one(storefront.logoMediaId, context),
      banner: (storefront, _args, context) => one(storefront.bannerMediaId, context),
    },
    Profile: { avatar: (profile, _args, context) => one(profile.avatarMediaId, context) },
    Query: {
      media: async (root, a, context) => {
        try {
          return await resolveWith(ops.get, (q: { id: string }) => ({ id: q.id }), { names: args })(
            root,
            a,
            context,
          );
        } catch (error) {
          // A client asking for one media by id hears null when there is none it may see.
          if ((error as { code?: string }).code === "NOT_FOUND") return null;
          throw error;
        }
      },
      myMedia: resolveWith(
        ops.list,
        (a) => ({ ...graphqlPage(a), purpose: a.purpose ? (lower(a.purpose) as PurposeName) : undefined }),
        { names: args, answer: (page) => connection(page.items, page.nextCursor) },
      ),
    },
    Mutation: {
      createUpload: resolveWith(
        ops.createUpload,
        (a) => ({ ...a.input, purpose: lower(a.input.purpose) as PurposeName }),
        {
          names: input,
          answer: ({ media, upload }) => ({
            media,
            uploadUrl: upload.url,
            uploadHeaders: pairs(upload.headers),
            expiresAt: upload.expiresAt,
          }),
        },
      ),
      completeUpload: resolveWith(ops.completeUpload, (a) => ({ id: a.id }), { names: args }),
      deleteMedia: resolveWith(ops.delete, (a) => ({ id: a.id }), { names: args }),
    },
  };
}
