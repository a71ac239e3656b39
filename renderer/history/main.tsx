import { mountPage } from '../common/mount';
import { HistoryApp } from './HistoryApp';

mountPage('history', <HistoryApp />);
