// The name a job's device goes by ("Pixel 8"), from sync's status of this library. Asked for lazily: a page
// that shows no other device's job never reads the status.
import { useI18n } from 'vue-i18n'
import { useSyncStore } from '@/stores/sync'

export function useDeviceName() {
  const { t } = useI18n()
  const sync = useSyncStore()
  return (deviceId: string | null | undefined): string => {
    if (!deviceId) return ''
    void sync.ensureStatus()
    return sync.deviceName(deviceId) ?? t('sync.elsewhere.unknownDevice')
  }
}
