import {
  Category as CategoryEnum,
  Channel as ChannelEnum,
  DevicePlatform,
} from "@mercato/contracts/mercato/notifications/v1/notifications_pb";
import type { PushPlatform } from "@mercato/platform";
import type { Category, Channel } from "./preferences.js";

export const categoryToProto: Record<Category, CategoryEnum> = {
  transactional: CategoryEnum.TRANSACTIONAL,
  security: CategoryEnum.SECURITY,
  low_stock: CategoryEnum.LOW_STOCK,
  follows: CategoryEnum.FOLLOWS,
  marketing: CategoryEnum.MARKETING,
};

export const channelToProto: Record<Channel, ChannelEnum> = {
  email: ChannelEnum.EMAIL,
  push: ChannelEnum.PUSH,
  in_app: ChannelEnum.IN_APP,
};

export const platformToProto: Record<PushPlatform, DevicePlatform> = {
  ios: DevicePlatform.IOS,
  android: DevicePlatform.ANDROID,
  web: DevicePlatform.WEB,
};

const invert = <K extends string, V>(record: Record<K, V>) =>
  new Map(Object.entries(record).map(([name, value]) => [value as V, name as K]));

export const categoryFromProto = invert(categoryToProto);
export const channelFromProto = invert(channelToProto);
export const platformFromProto = invert(platformToProto);
