import { mountPage } from '../common/mount';
import { SettingsApp } from './SettingsApp';

mountPage('settings', <SettingsApp />);
