import { Anchor, Box, Group, Image, SimpleGrid, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { useFormat } from './format.ts';
import type { Attachment } from './types.ts';

/**
 * The files of an appeal, grouped by stage (the applicant's, the information they added, the
 * answer's). Photos show as thumbnails; each file is a link that downloads it. Files are
 * served to the parties only (GET /api/appeals/:id/attachments/:attachmentId).
 */

const STAGES = ['intake', 'info', 'answer'] as const;

export function attachmentUrl(appealId: string, attachmentId: string): string {
  return `/api/appeals/${appealId}/attachments/${attachmentId}`;
}

export function AttachmentList({ appealId, attachments, stage, headingLevel = 2 }: { appealId: string; attachments: Attachment[]; stage?: string; headingLevel?: 2 | 3 }) {
  const { t } = useTranslation('appealsweb');
  const f = useFormat();
  const shown = stage ? attachments.filter((a) => a.stage === stage) : attachments;
  if (shown.length === 0) return null;
  const stages = [...new Set([...STAGES.filter((s) => shown.some((a) => a.stage === s)), ...shown.map((a) => a.stage)])];
  return (
    <section aria-labelledby={`attachments-${stage ?? 'all'}`}>
      <Title order={headingLevel} size="h4" id={`attachments-${stage ?? 'all'}`} mb="xs">
        {t('attachments.title', { count: shown.length })}
      </Title>
      {stages.map((s) => (
        <Box key={s} mb="sm">
          {!stage && stages.length > 1 && (
            <Text size="sm" fw={600} mb={4}>
              {t(`attachments.stage.${s}`, { defaultValue: s })}
            </Text>
          )}
          <SimpleGrid cols={{ base: 1, xs: 2 }} spacing="xs" component="ul" style={{ listStyle: 'none', padding: 0, margin: 0 }} data-testid="attachments">
            {shown
              .filter((a) => a.stage === s)
              .map((a) => {
                const url = attachmentUrl(appealId, a.id);
                const isImage = a.mime.startsWith('image/');
                return (
                  <Group component="li" key={a.id} gap="sm" wrap="nowrap" align="center" style={{ minWidth: 0 }}>
                    {isImage ? (
                      <Image src={url} alt="" w={56} h={56} radius="sm" fit="cover" style={{ flex: 'none' }} loading="lazy" />
                    ) : (
                      <Box w={56} h={56} bg="gray.1" style={{ borderRadius: 4, display: 'grid', placeItems: 'center', flex: 'none' }} aria-hidden="true">
                        <Text size="xs" fw={700}>
                          {a.mime === 'application/pdf' ? 'PDF' : '…'}
                        </Text>
                      </Box>
                    )}
                    <Box miw={0}>
                      <Anchor href={url} download={a.originalName} size="sm" fw={600} style={{ wordBreak: 'break-word' }}>
                        {a.originalName}
                      </Anchor>
                      <Text size="xs" c="dimmed">
                        {t(isImage ? 'attachments.photo' : 'attachments.document')} · {f.bytes(a.size)}
                      </Text>
                    </Box>
                  </Group>
                );
              })}
          </SimpleGrid>
        </Box>
      ))}
    </section>
  );
}
