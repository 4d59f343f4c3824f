import { Type } from 'typebox';
import { Uuid } from '../http/schemas.ts';

export const InboxItemSchema = Type.Object(
  {
    id: Uuid,
    regionCode: Type.String(),
    title: Type.String(),
    body: Type.String(),
    about: Type.Union([Type.Object({ type: Type.String(), id: Type.String() }), Type.Null()]),
    createdAt: Type.String({ format: 'date-time' }),
    readAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
    isRead: Type.Boolean(),
  },
  { description: 'A notice in the in-app inbox, exactly as it was sent' },
);

export const InboxPageSchema = Type.Object({
  items: Type.Array(InboxItemSchema),
  total: Type.Integer(),
  unread: Type.Integer({ description: 'Unread notices in the whole inbox' }),
  limit: Type.Integer(),
  offset: Type.Integer(),
});

export const InboxIdParams = Type.Object({ id: Uuid });

export const MarkReadReply = Type.Object({ id: Uuid, readAt: Type.String({ format: 'date-time' }) });
